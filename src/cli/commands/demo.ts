import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import { pino } from 'pino';
import { accessServices } from '../../access/access-services.js';
import { bootstrap } from '../../access/bootstrap.js';
import { publishObjects } from '../../access/publication.js';
import { EntenteError } from '../../errors.js';
import { SEED_ARTICLE, seedArticlePath } from '../../shared-folder.js';
import { connectPull } from '../../federation/demo-partnership.js';
import { newLeaseOwner } from '../../federation/lease.js';
import type { Partner } from '../../federation/partners.js';
import { startPartnerScheduler, type PartnerScheduler } from '../../federation/scheduler.js';
import { syncPartner, type PartnerReport } from '../../federation/sync.js';
import { loadSettings } from '../../config/settings.js';
import type { RunningServer } from '../../http/server.js';
import { ENTENTE_IDENTITY } from '../../stix/extensions.js';
import type { StixObject } from '../../stix/stix-object.js';
import { TLP2_MARKING_IDS } from '../../stix/tlp.js';
import type { Collection, ObjectStore } from '../../store/object-store.js';
import { openStore } from '../../store/open-store.js';
import type { DatabaseSchema } from '../../store/schema.js';
import { TaxiiClient } from '../../taxii/client/index.js';

interface DemoFlags {
  keep?: boolean;
  article?: string;
}

/** Small pages, so that the pull shows its paging. */
const DEMO_PAGE_SIZE = 10;
/** With --keep, each instance pulls from the other this often. */
const KEEP_INTERVAL_SECONDS = 5;
const STEPS = 6;

/**
 * `entente demo` (issue 5): the shortest way to see an exchange. Starts two
 * complete local instances, "paris" and "london" (temporary folder, own SQLite
 * databases, TAXII servers on free loopback ports), makes each a partner of
 * the other, ingests the seed article on paris and publishes it as TLP:GREEN,
 * syncs, and shows step by step what arrives on london, read over TAXII as
 * london's administrator. Stops cleanly on Ctrl-C at any step (exit 130);
 * `--keep` leaves both running, syncing on their schedulers, until Ctrl-C.
 */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('Start two local instances, make them partners, ingest the seed article on one and watch it arrive on the other')
    .option('--keep', 'leave both instances running (syncing every 5 s) until Ctrl-C, and print how to reach them')
    .option('--article <file>', `the article to ingest (default: the seed article ${SEED_ARTICLE}, from ENTENTE_SHARED_DIR/seed or ../shared/seed)`)
    .action(async (flags: DemoFlags) => {
      process.exitCode = await runDemo(flags, (line) => process.stdout.write(`${line}\n`));
    });
}

class Interrupted extends Error {}

interface Instance {
  readonly name: string;
  readonly url: string;
  readonly adminToken: string;
  readonly db: Kysely<DatabaseSchema>;
  readonly store: ObjectStore;
  readonly localOrgId: string;
  /** The level objects without a TLP marking take here (the local organisation's default). */
  readonly localDefaultTlp: string;
  readonly adminUserId: string;
  readonly collection: Collection;
  scheduler?: PartnerScheduler;
  readonly server: RunningServer;
}

async function runDemo(flags: DemoFlags, say: (line: string) => void): Promise<number> {
  const article = articlePath(flags.article);
  const text = readFileSync(article, 'utf8');
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const check = () => {
    if (controller.signal.aborted) throw new Interrupted();
  };
  const dir = mkdtempSync(join(tmpdir(), 'entente-demo-'));
  const secretKey = randomBytes(24).toString('base64url');
  const instances: Instance[] = [];
  try {
    say(`entente demo: two instances exchanging over TAXII 2.1 (databases in ${dir})`);
    const paris = await startInstance('paris', dir, secretKey);
    instances.push(paris);
    const london = await startInstance('london', dir, secretKey);
    instances.push(london);
    say(`[1/${STEPS}] Started paris at ${paris.url} and london at ${london.url} (TAXII discovery: <url>/taxii2/)`);
    check();

    const every = flags.keep === true ? KEEP_INTERVAL_SECONDS : 3600;
    const londonPullsParis = await connectPull(side(london), side(paris), secretKey, every);
    const parisPullsLondon = await connectPull(side(paris), side(london), secretKey, every);
    say(`[2/${STEPS}] Partners both ways: each gave the other a read-only account (an organisation named after it), and pulls the other's "default" collection`);
    check();

    const { ingestText } = await import('../../ingest/index.js');
    const ingested = ingestText(text, { outlet: 'RT', published: '2017-03-24' });
    const objects = markGreen(ingested.bundle.objects);
    const outcome = await publishObjects(
      paris.db,
      paris.store,
      paris.collection.id,
      { orgId: paris.localOrgId, userId: paris.adminUserId },
      objects.map((object) => ({ object, json: JSON.stringify(object) })),
      { address: '127.0.0.1', path: 'entente demo' },
    );
    if (outcome.failures.length > 0) throw new EntenteError('invalid_input', `paris refused ${outcome.failures.length} objects: ${outcome.failures[0]?.message ?? ''}`);
    const incident = objects.find((o) => o.type === 'incident');
    say(
      `[3/${STEPS}] paris ingested ${article.endsWith(SEED_ARTICLE) ? 'the seed article' : article}: ${objects.length} STIX objects (${typeCounts(objects)}), published to paris's "default" as TLP:GREEN`,
    );
    say(`        incident: "${String(incident?.name ?? '?')}"`);
    const unmarked = objects.filter((o) => o.object_marking_refs === undefined).length;
    say(`        (${unmarked} objects describing entente itself carry no TLP marking: they take paris's default level, ${paris.localDefaultTlp.toUpperCase()}, and do not travel)`);
    say(`        paris/default: ${await paris.store.countObjects(paris.collection.id)} objects    london/default: ${await london.store.countObjects(london.collection.id)} objects`);
    check();

    say(`[4/${STEPS}] london syncs with its partner paris (pages of ${DEMO_PAGE_SIZE}):`);
    const pulled = await runSync(london, londonPullsParis, secretKey, controller.signal, (line) => say(`        ${line}`));
    check();
    if (pulled.outcome !== 'ok') throw new EntenteError('remote_error', `london could not pull from paris: ${pulled.error ?? pulled.outcome}`);

    say(`[5/${STEPS}] Arrived on london, read over TAXII as london's admin:`);
    for (const line of await arrived(london, londonPullsParis, incident?.id)) say(`        ${line}`);
    check();

    say(`[6/${STEPS}] paris syncs with its partner london:`);
    const back = await runSync(paris, parisPullsLondon, secretKey, controller.signal, (line) => say(`        ${line}`));
    const counts = back.rules[0]?.counts;
    if (counts !== undefined) say(`        paris already held all ${counts.duplicate} of them: nothing is stored twice`);
    check();

    if (flags.keep === true) {
      for (const instance of instances) {
        instance.scheduler = startPartnerScheduler({ sync: { db: instance.db, store: instance.store, secretKey } });
      }
      say('');
      say(`Both instances keep running, each pulling from the other every ${KEEP_INTERVAL_SECONDS} s:`);
      for (const instance of instances) {
        say(`  ${instance.name}: ${instance.url}/taxii2/   admin token: ${instance.adminToken}`);
      }
      say(`  e.g. curl -H 'Authorization: Bearer ${london.adminToken}' -H 'Accept: application/taxii+json;version=2.1' ${london.url}/api/v21/collections/${london.collection.id}/objects/`);
      say('Press Ctrl-C to stop them (their folder is then removed).');
      await new Promise<void>((done) => controller.signal.addEventListener('abort', () => done(), { once: true }));
      say('Stopping.');
    }
    return 0;
  } catch (error) {
    if (error instanceof Interrupted || controller.signal.aborted) {
      say('Interrupted: stopping both instances.');
      return 130;
    }
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    for (const instance of instances.reverse()) {
      await instance.scheduler?.stop();
      await instance.server.close();
      await instance.store.close();
    }
    rmSync(dir, { recursive: true, force: true });
    say(`Stopped both instances and removed ${dir}.`);
  }
}

/** `--article`, or the seed article from ENTENTE_SHARED_DIR or the shared folder beside the checkout. */
function articlePath(given: string | undefined): string {
  if (given !== undefined) {
    if (!existsSync(given)) throw new EntenteError('not_found', `--article ${given}: no such file`);
    return given;
  }
  const seed = seedArticlePath();
  if (!existsSync(seed)) {
    throw new EntenteError('not_found', `The seed article is not at ${seed}: set ENTENTE_SHARED_DIR to the shared folder, or give --article FILE`);
  }
  return seed;
}

async function startInstance(name: string, dir: string, secretKey: string): Promise<Instance> {
  const { store, db } = await openStore(join(dir, `${name}.db`));
  try {
    await store.migrate();
    const adminToken = randomBytes(24).toString('base64url');
    const prepared = await bootstrap({ db, store, adminToken });
    const collection = prepared.defaultCollection ?? (await store.listCollections())[0];
    if (collection === undefined) throw new EntenteError('not_found', `${name} has no collection`);
    const settings = loadSettings({}, { host: '127.0.0.1', port: 0, logLevel: 'silent', secretKey });
    // Loaded here, as in `entente serve`, so that other commands do not pay for the HTTP stack.
    const { startServer } = await import('../../http/server.js');
    const server = await startServer({ settings, store, db, ...accessServices(db, store), logger: pino({ level: 'silent' }) });
    return { name, url: server.url, adminToken, db, store, localOrgId: prepared.organization.id, localDefaultTlp: prepared.organization.defaultTlp, adminUserId: prepared.admin.id, collection, server };
  } catch (error) {
    await store.close();
    throw error;
  }
}

function side(instance: Instance) {
  return { name: instance.name, url: instance.url, db: instance.db, collectionId: instance.collection.id, collectionName: instance.collection.alias ?? instance.collection.title };
}

/** Marks every object TLP:GREEN, except what describes entente itself (its identity and extension definitions), as `entente ingest --tlp` does. */
function markGreen(objects: readonly StixObject[]): StixObject[] {
  return objects.map((object) =>
    object.type === 'extension-definition' || object.id === ENTENTE_IDENTITY.id ? object : { ...object, object_marking_refs: [TLP2_MARKING_IDS.green] },
  );
}

function typeCounts(objects: readonly StixObject[]): string {
  const counts = new Map<string, number>();
  for (const object of objects) counts.set(object.type, (counts.get(object.type) ?? 0) + 1);
  return [...counts].map(([type, n]) => `${n} ${type}`).join(', ');
}

async function runSync(instance: Instance, partner: Partner, secretKey: string, signal: AbortSignal, say: (line: string) => void): Promise<PartnerReport> {
  const report = await syncPartner(
    {
      db: instance.db,
      store: instance.store,
      secretKey,
      leaseOwner: newLeaseOwner(),
      pageSize: DEMO_PAGE_SIZE,
      signal,
      onProgress: (_partner, _rule, c) => say(`page ${c.pages}: ${c.received} received so far, ${c.added} new, ${c.duplicate} already held`),
    },
    partner,
  );
  const c = report.rules[0]?.counts;
  say(`${report.outcome}: ${c?.received ?? 0} received, ${c?.added ?? 0} stored, ${c?.duplicate ?? 0} already held, ${c?.rejected ?? 0} rejected${report.error !== undefined ? ` — ${report.error}` : ''}`);
  return report;
}

/** What london holds now, as its administrator reads it over TAXII, with the links to follow. */
async function arrived(london: Instance, from: Partner, incidentId: string | undefined): Promise<string[]> {
  const client = new TaxiiClient({ auth: { kind: 'bearer', token: london.adminToken } });
  try {
    const apiRoot = `${london.url}/api/v21/`;
    const objectsUrl = `${apiRoot}collections/${london.collection.id}/objects/`;
    const all: StixObject[] = [];
    for await (const page of client.pages(apiRoot, london.collection.id, { limit: 1000 })) all.push(...page.items);
    const delivered = await london.db
      .selectFrom('objects')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('collection_id', '=', london.collection.id)
      .where('partner', '=', from.id)
      .executeTakeFirstOrThrow();
    const lines = [`london/default: ${all.length} objects (${typeCounts(all)}); ${Number(delivered.n)} versions recorded as delivered by partner paris`];
    const incident = all.find((o) => o.id === incidentId) ?? all.find((o) => o.type === 'incident');
    if (incident === undefined) return [...lines, 'no incident arrived'];
    lines.push(`incident "${String(incident.name)}"`, `  ${objectsUrl}${incident.id}/`);
    const names = new Map(all.map((o) => [o.id, `${o.type} "${String(o.name ?? o.id)}"`]));
    for (const relation of all.filter((o) => o.type === 'relationship' && (o.source_ref === incident.id || o.target_ref === incident.id))) {
      lines.push(`  ${names.get(String(relation.source_ref)) ?? String(relation.source_ref)} —${String(relation.relationship_type)}→ ${names.get(String(relation.target_ref)) ?? String(relation.target_ref)}`);
    }
    const report = all.find((o) => o.type === 'report');
    if (report !== undefined) lines.push(`report "${String(report.name)}"`, `  ${objectsUrl}${report.id}/`);
    return lines;
  } finally {
    await client.close();
  }
}
