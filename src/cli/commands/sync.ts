import type { Command } from 'commander';
import { EntenteError } from '../../errors.js';
import { newLeaseOwner } from '../../federation/lease.js';
import { listPartners, requirePartner, type Partner, type PartnerRule } from '../../federation/partners.js';
import type { PullCounts } from '../../federation/pull.js';
import type { PushCounts } from '../../federation/push.js';
import { reportJson } from '../../federation/report-json.js';
import { ruleName, syncPartners, type PartnerReport, type RuleReport } from '../../federation/sync.js';
import { addDbOption, printData, withStore } from '../command-context.js';

interface SyncFlags {
  db?: string;
  pageSize?: string;
  envelopeSize?: string;
  json?: boolean;
}

const PROGRESS_INTERVAL_MS = 1_000;

/**
 * `entente sync [PARTNER]`: pulls from, then pushes to, one partner or every partner
 * (unhealthy ones included: asking is a reason to try), with progress on
 * stderr and a summary per rule on stdout (pushes list each version the partner
 * refused). Exits 1 if any partner failed or was busy (being synced by another process).
 */
export function registerSyncCommand(program: Command): void {
  addDbOption(
    program
      .command('sync')
      .description('Pull from and push to partners now (all, or the one named), showing progress')
      .argument('[partner]', 'partner name or id (default: every partner)')
      .option('--page-size <n>', 'objects asked for per page (the partner may send fewer; default 1000)')
      .option('--envelope-size <n>', 'most objects per pushed envelope (default 500; envelopes also stay within the partner\'s max_content_length)')
      .option('--json', 'print the summary as JSON'),
  ).action(async (name: string | undefined, flags: SyncFlags) => {
    const pageSize = positive('--page-size', flags.pageSize);
    const envelopeSize = positive('--envelope-size', flags.envelopeSize);
    await withStore(flags, async ({ db, store }, settings) => {
      const partners = name === undefined ? await listPartners(db) : [await requirePartner(db, name)];
      if (partners.length === 0) {
        process.stderr.write('No partners to sync (add one with: entente partner add NAME --url …)\n');
        return;
      }
      let lastShown = 0;
      const reports = await syncPartners(
        {
          db,
          store,
          secretKey: settings.secretKey,
          leaseOwner: newLeaseOwner(),
          ...(pageSize !== undefined ? { pageSize } : {}),
          ...(envelopeSize !== undefined ? { envelopeSize } : {}),
          onProgress: (partner: Partner, rule: PartnerRule, counts: Readonly<PullCounts>) => {
            if (Date.now() - lastShown < PROGRESS_INTERVAL_MS) return;
            lastShown = Date.now();
            process.stderr.write(`${partner.name} ${rule.remoteCollection} → ${rule.localCollection}: page ${counts.pages}, ${countsText(counts)}\n`);
          },
        },
        partners,
      );
      printData(flags.json === true, reports.map(reportJson), () => reports.map(summary).join('\n'));
      if (reports.some((r) => r.outcome !== 'ok')) process.exitCode = 1;
    });
  });
}

function positive(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(Number.isInteger(n) && n > 0)) throw new EntenteError('invalid_input', `${flag} must be a positive whole number, not "${value}"`);
  return n;
}

function countsText(c: Readonly<PullCounts>): string {
  // Pages the partner could not be read past without `next` (federation/pull.ts): said, since objects may be missing.
  const overfull = c.overfull > 0 ? `; ${c.overfull} page(s) held one date_added only and were full: later objects with it may be missing` : '';
  return `${c.received} received: ${c.added} new, ${c.duplicate} duplicate, ${c.rejected} rejected, ${c.filtered} filtered${overfull}`;
}

function summary(report: PartnerReport): string {
  const head = `${report.partner}: ${report.outcome}${report.error !== undefined ? ` — ${report.error}` : ''}`;
  return [head, ...report.rules.flatMap(ruleSummary)].join('\n');
}

function ruleSummary(r: RuleReport): string[] {
  const stopped = r.error !== undefined ? ` (stopped: ${r.error})` : '';
  if (r.pushed === undefined) return [`  ${ruleName(r.rule)}: ${countsText(r.counts)}${stopped}`];
  return [`  push ${ruleName(r.rule)}: ${pushText(r.pushed)}${stopped}`, ...r.pushed.failures.map((f) => `    failed ${f.id} ${f.version}: ${f.message}`)];
}

function pushText(c: Readonly<PushCounts>): string {
  const behind = c.backfilled > 0 ? ` (${c.backfilled} from before the watermark, shared with groups the partner joined since)` : '';
  return `${c.pushed} pushed${behind}, ${c.failed} failed, ${c.filtered} filtered, in ${c.envelopes} envelopes`;
}
