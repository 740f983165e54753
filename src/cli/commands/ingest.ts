import { readFile, stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { EntenteError, isEntenteError } from '../../errors.js';
import type * as IngestPipeline from '../../ingest/index.js';
import type { IngestMetadata, IngestSummary } from '../../ingest/index.js';
import { splitMetadataHeader } from '../../ingest/metadata-header.js';
import type { IncidentSummary } from '../../ingest/summary.js';
import { ENTENTE_IDENTITY } from '../../stix/extensions.js';
import type { StixBundle, StixObject } from '../../stix/stix-object.js';
import { TLP2_MARKINGS, TLP_LEVELS, tlpMarkingId, type TlpLevel } from '../../stix/tlp.js';
import { randomId } from '../../stix/identifier.js';
import { validateBundle, formatIssue } from '../../stix/validate.js';
import { TaxiiClient } from '../../taxii/client/index.js';
import { settingsFrom } from '../command-context.js';
import { fileSink } from '../output-file.js';

interface IngestFlags {
  outlet?: string;
  url?: string;
  published?: string;
  language?: string;
  out?: string;
  json?: boolean;
  publish?: string;
  tlp?: string;
  server?: string;
  token?: string;
}

interface Done {
  readonly name: string;
  readonly bundle: StixBundle;
  readonly summary: IngestSummary;
}

const MAX_BYTES = 1024 * 1024;

/**
 * `entente ingest FILE…|-`: reads news articles, bulletins or transcripts
 * (text or HTML) into STIX 2.1 bundles with provenance (src/ingest), prints
 * what was found, writes the bundle (--out, via a temporary file renamed into
 * place) and, with --publish, posts it to a TAXII 2.1 collection (TAXII 2.1
 * §5.5). A file may begin with `outlet:`/`published:`/`language:` header lines;
 * flags win over the header. A bad file is reported and the others still run;
 * the exit code is then 1.
 */
export function registerIngestCommand(program: Command): void {
  program
    .command('ingest')
    .description('Read reports (text or HTML; "-" for stdin) into a STIX 2.1 bundle with provenance, and summarise them')
    .argument('<files...>', 'report files, or - for stdin')
    .option('--outlet <name>', 'the outlet that published the report')
    .option('--url <url>', 'where the report was published')
    .option('--published <date>', 'publication date, YYYY-MM-DD or ISO 8601 (relative dates in the text are resolved against it)')
    .option('--language <code>', 'ISO 639-1 language of the text (default: detected)')
    .option('--out <file>', 'write the bundle (all reports in one bundle) to this file')
    .option('--json', 'print the summaries as JSON')
    .option('--publish <collection>', 'post the bundle to this TAXII collection (id or title)')
    .option('--tlp <level>', `mark every extracted object with a TLP 2.0 level (${TLP_LEVELS.join(', ')})`)
    .option('--server <url>', 'TAXII discovery or API root URL for --publish (default: this instance, ENTENTE_HOST:ENTENTE_PORT)')
    .option('--token <token>', 'API token for --publish (default: ENTENTE_TOKEN)')
    .action(async (files: string[], flags: IngestFlags) => {
      const tlp = parseTlp(flags.tlp);
      const done: Done[] = [];
      let failed = 0;
      const many = files.length > 1;
      const started = Date.now();
      for (const [index, file] of files.entries()) {
        try {
          const result = await ingestFile(file, flags);
          done.push(result);
          if (many) process.stderr.write(`[${index + 1}/${files.length}] ${file}: ${result.summary.incidents.length} incident(s), ${result.summary.objectCount} objects\n`);
        } catch (error) {
          if (!isEntenteError(error)) throw error;
          failed += 1;
          process.stderr.write(`entente ingest: ${file}: ${error.message}\n`);
        }
      }
      if (done.length > 0) {
        const bundle = markBundle(mergeBundles(done.map((d) => d.bundle)), tlp);
        const issues = validateBundle(bundle);
        if (issues.length > 0) {
          throw new EntenteError('invalid_stix', `The extracted bundle is not valid STIX 2.1: ${issues.slice(0, 5).map(formatIssue).join('; ')}`);
        }
        if (flags.out !== undefined) await writeBundle(flags.out, bundle);
        if (flags.json === true) {
          process.stdout.write(`${JSON.stringify(many ? done.map((d) => ({ file: d.name, ...d.summary })) : done[0]?.summary, null, 2)}\n`);
        } else {
          for (const d of done) process.stdout.write(renderSummary(d.name, d.summary));
        }
        if (flags.publish !== undefined) await publish(bundle, flags.publish, flags);
      }
      if (many) {
        const seconds = (Date.now() - started) / 1000;
        const incidents = done.reduce((n, d) => n + d.summary.incidents.length, 0);
        process.stderr.write(`ingested ${done.length} of ${files.length} reports (${failed} failed), ${incidents} incidents, in ${seconds.toFixed(1)} s\n`);
      }
      if (failed > 0) process.exitCode = 1;
    });
}

let pipeline: Promise<typeof IngestPipeline> | undefined;

/**
 * The pipeline with its tagger, NER model and gazetteers, loaded on the first
 * report: importing it takes about half a second, which no other command should pay.
 */
function loadPipeline(): Promise<typeof IngestPipeline> {
  pipeline ??= import('../../ingest/index.js');
  return pipeline;
}

async function ingestFile(file: string, flags: IngestFlags): Promise<Done> {
  const { ingestText } = await loadPipeline();
  const bytes = file === '-' ? await readStdinBytes(MAX_BYTES + 1) : await readReport(file);
  const { metadata: header, body } = splitHeaderOf(bytes);
  const metadata: IngestMetadata = {
    ...header,
    ...(flags.outlet !== undefined ? { outlet: flags.outlet } : {}),
    ...(flags.url !== undefined ? { url: flags.url } : {}),
    ...(flags.published !== undefined ? { published: flags.published } : {}),
    ...(flags.language !== undefined ? { language: flags.language } : {}),
  };
  const result = ingestText(body, metadata);
  return { name: file === '-' ? 'stdin' : file, bundle: result.bundle, summary: result.summary };
}

/** Stdin up to `limit` bytes; more than that is refused without reading the rest into memory. */
async function readStdinBytes(limit: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > limit) {
      throw new EntenteError('invalid_input', `The input is over ${MAX_BYTES} bytes (1 MB), the limit for one report`, { problem: 'too_large' });
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

async function readReport(file: string): Promise<Uint8Array> {
  const info = await stat(file).catch(() => undefined);
  if (info === undefined || !info.isFile()) throw new EntenteError('not_found', `Cannot read ${file}: no such file`);
  if (info.size > MAX_BYTES) {
    throw new EntenteError('invalid_input', `The input is ${info.size} bytes; the limit is ${MAX_BYTES} bytes (1 MB)`, { problem: 'too_large' });
  }
  return readFile(file);
}

/** The header is only looked for in text that decodes; anything else goes to the pipeline as bytes to be judged there. */
function splitHeaderOf(bytes: Uint8Array): { metadata: IngestMetadata; body: string | Uint8Array } {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { metadata: {}, body: bytes };
  }
  if (text.includes('\u0000')) return { metadata: {}, body: bytes };
  const { metadata, body } = splitMetadataHeader(text);
  return { metadata, body: body === text ? bytes : body };
}

function parseTlp(value: string | undefined): TlpLevel | undefined {
  if (value === undefined) return undefined;
  const level = value.toLowerCase().replace(/^tlp:/u, '') as TlpLevel;
  if (!TLP_LEVELS.includes(level)) {
    throw new EntenteError('invalid_input', `--tlp must be one of ${TLP_LEVELS.join(', ')}, not "${value}"`);
  }
  return level;
}

/** One bundle for all reports; an object that several reports share (a person, a group) appears once. */
function mergeBundles(bundles: readonly StixBundle[]): StixBundle {
  if (bundles.length === 1) return bundles[0] as StixBundle;
  const seen = new Set<string>();
  const objects: StixObject[] = [];
  for (const bundle of bundles) {
    for (const object of bundle.objects) {
      if (seen.has(object.id)) continue;
      seen.add(object.id);
      objects.push(object);
    }
  }
  return { type: 'bundle', id: randomId('bundle'), objects };
}

/** Marks the extracted objects (not entente's extension definitions) with a TLP 2.0 level. */
function markBundle(bundle: StixBundle, level: TlpLevel | undefined): StixBundle {
  if (level === undefined) return bundle;
  const markingId = tlpMarkingId(level);
  const objects = bundle.objects.map((object) => (object.type === 'extension-definition' || object.id === ENTENTE_IDENTITY.id
    ? object : { ...object, object_marking_refs: [markingId] }));
  return { ...bundle, objects: [TLP2_MARKINGS[level], ...objects] };
}

async function writeBundle(path: string, bundle: StixBundle): Promise<void> {
  const sink = fileSink(path);
  try {
    await sink.write(`${JSON.stringify(bundle, null, 2)}\n`);
    await sink.commit();
  } catch (error) {
    await sink.abort();
    throw error;
  }
}

async function publish(bundle: StixBundle, collection: string, flags: IngestFlags): Promise<void> {
  const settings = settingsFrom({});
  const server = flags.server ?? `http://${settings.host}:${settings.port}/taxii2/`;
  const token = flags.token ?? process.env.ENTENTE_TOKEN;
  const client = new TaxiiClient(token !== undefined ? { auth: { kind: 'bearer', token } } : {});
  try {
    const apiRoot = await apiRootOf(client, server);
    const collections = await client.listCollections(apiRoot);
    const target = collections.find((c) => c.id === collection) ?? collections.find((c) => c.title === collection);
    if (target === undefined) {
      throw new EntenteError('not_found', `No collection "${collection}" at ${apiRoot} (known: ${collections.map((c) => c.title ?? c.id).join(', ') || 'none'})`);
    }
    const status = await client.waitForStatus(apiRoot, await client.addObjects(apiRoot, target.id, bundle.objects));
    process.stderr.write(`published to ${target.title ?? target.id}: ${status.success_count} accepted, ${status.failure_count} refused, ${status.pending_count} pending\n`);
    if (status.failure_count > 0) process.exitCode = 1;
  } finally {
    await client.close();
  }
}

/** The URL given may be a discovery URL (TAXII 2.1 §4.1) or an API root (§4.2). */
async function apiRootOf(client: TaxiiClient, url: string): Promise<string> {
  const discovery = await client.discover(url).catch(() => undefined);
  return discovery?.default ?? discovery?.api_roots?.[0] ?? url;
}

function renderSummary(name: string, summary: IngestSummary): string {
  const lines: string[] = [`== ${name}: ${summary.title ?? ''}`];
  if (summary.outlet !== undefined || summary.published !== undefined) {
    lines.push(`   ${[summary.outlet, summary.published?.slice(0, 10), summary.url].filter(Boolean).join(' · ')}`);
  }
  lines.push(`Incidents (${summary.incidents.length}):`);
  for (const incident of summary.incidents) lines.push(...renderIncident(incident));
  if (summary.incidents.length === 0) lines.push('  none reported');
  lines.push(`People (${summary.people.length}):`);
  for (const person of summary.people) {
    const aliases = person.aliases.length > 0 ? ` (also: ${person.aliases.join(', ')})` : '';
    lines.push(`  ${person.name}${person.roles.length > 0 ? ` — ${person.roles.join('; ')}` : ''}${aliases}`);
  }
  lines.push(`Organisations (${summary.organisations.length}): ${summary.organisations.map((o) => o.name).join(', ')}`);
  lines.push(`Groups (${summary.groups.length}): ${summary.groups.map((g) => (g.aliases.length > 0 ? `${g.name} (${g.aliases.join(', ')})` : g.name)).join(', ')}`);
  lines.push(`Quotes (${summary.quotes.length}):`);
  for (const quote of summary.quotes) {
    const text = quote.text.length > 100 ? `${quote.text.slice(0, 97)}…` : quote.text;
    lines.push(`  ${quote.speaker}${quote.kind === 'reported' ? ' (reported)' : ''}: “${text}” [${quote.start}–${quote.end}]`);
  }
  lines.push(`Sources: ${summary.sources.join(', ') || 'none credited'}`);
  lines.push(`Bundle: ${summary.objectCount} objects; report ${summary.reportId}; SHA-256 ${summary.sha256}`, '');
  return `${lines.join('\n')}\n`;
}

function renderIncident(incident: IncidentSummary): string[] {
  const when = incident.date !== undefined ? `${incident.date} (${incident.datePrecision})` : 'date not given';
  const where = [incident.site, incident.place, incident.country].filter(Boolean).join(', ') || 'place not given';
  const toll = [
    incident.killed !== undefined ? `${incident.killed} killed` : undefined,
    incident.wounded !== undefined ? `${incident.wounded} wounded` : undefined,
    incident.perpetratorsKilled !== undefined ? `attackers killed: ${incident.perpetratorsKilled}` : undefined,
  ].filter(Boolean).join(', ');
  const lines = [`  [${incident.status}] ${when} — ${where} — ${incident.attackTypes.join(', ') || 'attack type unknown'}${toll !== '' ? ` — ${toll}` : ''}`];
  for (const p of incident.perpetrators) {
    const via = [p.channel !== undefined ? `via ${p.channel}` : undefined, p.reportedBy !== undefined ? `reported by ${p.reportedBy}` : undefined].filter(Boolean).join(', ');
    lines.push(`      ${p.type === 'claim' ? 'claimed by' : p.type === 'official' ? 'blamed on' : 'suspected'}: ${p.name}${via !== '' ? ` (${via})` : ''}`);
  }
  if (incident.claimed === false) lines.push('      no claim of responsibility');
  if (incident.sources.length > 0) lines.push(`      according to: ${incident.sources.join(', ')}`);
  return lines;
}
