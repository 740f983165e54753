import type { Command } from 'commander';
import { resolveOrganization } from '../../access/organizations.js';
import { EntenteError } from '../../errors.js';
import type { PartnerCredentials } from '../../federation/credentials.js';
import { checkPartner } from '../../federation/partner-check.js';
import { addPartner, listPartners, removePartner, requirePartner, type NewRule, type Partner, type RuleFilters } from '../../federation/partners.js';
import { microsToTimestamp } from '../../store/timestamps.js';
import { addDbOption, printData, withStore } from '../command-context.js';
import { resolveCollection } from '../resolve-collection.js';

interface AddFlags {
  db?: string;
  url: string;
  user?: string;
  password?: string;
  token?: string;
  org: string[];
  receiveAs: string[];
  pull: string[];
  push: string[];
  every?: string;
  types?: string;
  markings?: string;
  labels?: string;
  json?: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];
const list = (value: string | undefined): string[] => (value === undefined ? [] : value.split(',').map((v) => v.trim()).filter((v) => v !== ''));

/**
 * `entente partner add|list|show|remove|test` (issue 5): the TAXII servers
 * this instance exchanges with. Credentials are sealed with ENTENTE_SECRET_KEY.
 */
export function registerPartnerCommands(program: Command): void {
  const partner = program.command('partner').description('Manage federation partners (other TAXII 2.1 servers)');

  addDbOption(
    partner
      .command('add')
      .description('Add a partner; its credentials are stored encrypted with ENTENTE_SECRET_KEY')
      .argument('<name>', 'a short name: letters, digits, . _ -')
      .requiredOption('--url <discovery-url>', "the partner's TAXII discovery URL, e.g. https://host/taxii2/")
      .option('--user <user>', 'HTTP Basic user name (with --password)')
      .option('--password <password>', 'HTTP Basic password')
      .option('--token <token>', 'bearer token (instead of --user/--password)')
      .option('--org <org>', 'local organisation (name or id) the partner represents; repeatable', collect, [])
      .option(
        '--receive-as <org>',
        "local organisation (name or id) that receives what the partner sends: the partner's AMBER objects are shared with it; repeatable (default: this instance's organisation \"local\")",
        collect,
        [],
      )
      .option('--pull <remote:local>', "pull the partner's collection (id, alias or title) into a local one (id or alias); repeatable", collect, [])
      .option('--push <local:remote>', 'push a local collection to the partner (what its organisations may receive); repeatable', collect, [])
      .option('--every <seconds>', 'pull interval inside entente serve (default 300)')
      .option('--types <list>', 'only these STIX types (comma-separated), for every rule given here')
      .option('--markings <list>', 'only these TLP levels (clear, green, amber, amber+strict, red, none) or marking ids')
      .option('--labels <list>', 'only objects with one of these labels')
      .option('--json', 'print the partner as JSON'),
  ).action(async (name: string, flags: AddFlags) => {
    await withStore(flags, async ({ db, store }, settings) => {
      const filters: Partial<RuleFilters> = { types: list(flags.types), markings: list(flags.markings), labels: list(flags.labels) };
      const rule = async (spec: string, direction: 'pull' | 'push'): Promise<NewRule> => {
        // Remote collections may be titles containing ':'; local ids and aliases do not.
        const at = direction === 'pull' ? spec.lastIndexOf(':') : spec.indexOf(':');
        if (at <= 0 || at === spec.length - 1) {
          throw new EntenteError('invalid_input', `--${direction} ${spec}: expected ${direction === 'pull' ? 'REMOTE:LOCAL' : 'LOCAL:REMOTE'}`);
        }
        const [remote, local] = direction === 'pull' ? [spec.slice(0, at), spec.slice(at + 1)] : [spec.slice(at + 1), spec.slice(0, at)];
        return { remoteCollection: remote, localCollection: (await resolveCollection(store, local)).id, filters };
      };
      const orgIds: string[] = [];
      for (const org of flags.org) orgIds.push((await resolveOrganization(db, org)).id);
      const receiverOrgIds: string[] = [];
      for (const org of flags.receiveAs) receiverOrgIds.push((await resolveOrganization(db, org)).id);
      const pull: NewRule[] = [];
      for (const spec of flags.pull) pull.push(await rule(spec, 'pull'));
      const push: NewRule[] = [];
      for (const spec of flags.push) push.push(await rule(spec, 'push'));
      const added = await addPartner(db, settings.secretKey, {
        name,
        discoveryUrl: flags.url,
        credentials: credentialsFrom(flags),
        orgIds,
        receiverOrgIds,
        pull,
        push,
        ...(flags.every !== undefined ? { intervalSeconds: Number(flags.every) } : {}),
      });
      printData(flags.json === true, describe(added), () => added.id);
    });
  });

  addDbOption(partner.command('list').description('List partners and their health').option('--json', 'print a JSON array')).action(
    async (flags: { db?: string; json?: boolean }) => {
      await withStore(flags, async ({ db }) => {
        const partners = await listPartners(db);
        printData(flags.json === true, partners.map(describe), () =>
          partners.length === 0
            ? 'No partners.'
            : partners.map((p) => [p.name, p.discoveryUrl, `every ${p.intervalSeconds}s`, healthText(p)].join('\t')).join('\n'),
        );
      });
    },
  );

  addDbOption(
    partner.command('show').description('Show a partner: rules, organisations, health').argument('<partner>', 'name or id').option('--json', 'print JSON'),
  ).action(async (name: string, flags: { db?: string; json?: boolean }) => {
    await withStore(flags, async ({ db }) => {
      const found = await requirePartner(db, name);
      printData(flags.json === true, describe(found), () => showText(found));
    });
  });

  addDbOption(partner.command('remove').description('Remove a partner, its rules and its watermarks').argument('<partner>', 'name or id')).action(
    async (name: string, flags: { db?: string }) => {
      await withStore(flags, async ({ db }) => {
        const removed = await removePartner(db, name);
        process.stdout.write(`Removed partner ${removed.name}\n`);
      });
    },
  );

  addDbOption(
    partner
      .command('test')
      .description('Check reachability, authentication, the API root and each rule’s collection access, saying precisely what fails')
      .argument('<partner>', 'name or id')
      .option('--json', 'print the checks as JSON'),
  ).action(async (name: string, flags: { db?: string; json?: boolean }) => {
    await withStore(flags, async ({ db }, settings) => {
      const results = await checkPartner(db, settings.secretKey, await requirePartner(db, name));
      printData(flags.json === true, results, () => results.map((r) => `${r.ok ? 'ok  ' : 'FAIL'}  ${r.check}: ${r.detail}`).join('\n'));
      if (results.some((r) => !r.ok)) process.exitCode = 1;
    });
  });
}

function credentialsFrom(flags: AddFlags): PartnerCredentials {
  const basic = flags.user !== undefined || flags.password !== undefined;
  if (basic === (flags.token !== undefined)) {
    throw new EntenteError('invalid_input', 'Give either --user and --password, or --token');
  }
  if (flags.token !== undefined) return { kind: 'token', token: flags.token };
  if (flags.user === undefined || flags.password === undefined) throw new EntenteError('invalid_input', '--user and --password go together');
  return { kind: 'basic', username: flags.user, password: flags.password };
}

function describe(p: Partner): Record<string, unknown> {
  const time = (micros: number | null) => (micros === null ? null : microsToTimestamp(micros));
  return {
    id: p.id,
    name: p.name,
    discoveryUrl: p.discoveryUrl,
    auth: p.authKind,
    organizations: p.orgIds,
    receivers: p.receiverOrgIds,
    intervalSeconds: p.intervalSeconds,
    rules: p.rules.map((r) => ({ direction: r.direction, remote: r.remoteCollection, local: r.localCollection, filters: r.filters })),
    health: {
      lastRunAt: time(p.health.lastRunAt),
      lastSuccessAt: time(p.health.lastSuccessAt),
      consecutiveFailures: p.health.consecutiveFailures,
      lastError: p.health.lastError,
      unhealthyUntil: time(p.health.unhealthyUntil),
    },
  };
}

function healthText(p: Partner): string {
  const h = p.health;
  if (h.lastRunAt === null) return 'never run';
  if (h.consecutiveFailures === 0) return `ok (last success ${microsToTimestamp(h.lastSuccessAt ?? h.lastRunAt)})`;
  const aside = h.unhealthyUntil !== null && h.unhealthyUntil > Date.now() * 1000 ? `, unhealthy until ${microsToTimestamp(h.unhealthyUntil)}` : '';
  return `${h.consecutiveFailures} failure(s)${aside}: ${h.lastError ?? ''}`;
}

function showText(p: Partner): string {
  const filters = (f: RuleFilters) =>
    [f.types.length > 0 ? `types ${f.types.join(',')}` : '', f.markings.length > 0 ? `markings ${f.markings.join(',')}` : '', f.labels.length > 0 ? `labels ${f.labels.join(',')}` : '']
      .filter((s) => s !== '')
      .join('; ');
  const lines = [
    `${p.name} (${p.id})`,
    `  discovery: ${p.discoveryUrl} (${p.authKind === 'basic' ? 'Basic' : 'token'})`,
    `  organisations: ${p.orgIds.length === 0 ? 'none' : p.orgIds.join(', ')}`,
    `  received by: ${p.receiverOrgIds.length === 0 ? 'none' : p.receiverOrgIds.join(', ')}`,
    `  every ${p.intervalSeconds}s; health: ${healthText(p)}`,
    ...p.rules.map((r) => {
      const arrow = r.direction === 'pull' ? `pull ${r.remoteCollection} → ${r.localCollection}` : `push ${r.localCollection} → ${r.remoteCollection}`;
      const f = filters(r.filters);
      return `  ${arrow}${f === '' ? '' : ` (${f})`}`;
    }),
  ];
  return lines.join('\n');
}
