import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessAudit } from '../access/access-audit.js';
import { grantCollection } from '../access/collection-grants.js';
import { withSharing } from '../access/sharing-schema.js';
import { createUser } from '../access/users.js';
import { createOrganization, findOrganizationByName } from '../access/organizations.js';
import { SHARING_EXTENSION_ID } from '../access/sharing-extension.js';
import { createSharingGroup } from '../access/sharing-groups.js';
import { addPartner } from '../federation/partners.js';
import { ensureReceivedGroup } from '../federation/received-group.js';
import { expectRestError, restClient, signIn, type RestClient } from '../http/rest/rest-test-client.js';
import { startTestServer, type TaxiiTestServer } from '../http/test-server.js';
import { ingestText } from '../ingest/index.js';
import { readSeedArticle } from '../shared-folder.js';
import { INCIDENT_EXTENSION_ID } from '../stix/extensions.js';
import { deterministicId, randomId } from '../stix/identifier.js';
import type { StixObject } from '../stix/stix-object.js';
import { TLP2_MARKING_IDS } from '../stix/tlp.js';
import { describeIfPostgres, openPostgresForTest, openSqliteForTest, postgresProblem, type TestStore } from '../store/test-backends.js';
import { AlertFollower } from './follower.js';
import { WebhookSender } from './webhook-sender.js';
import { withAlerts } from './alerts-schema.js';
import { alertData, readEventBlocks } from './event-stream-blocks.js';

/**
 * Alerts end to end, over real HTTP on loopback and a real store: objects
 * written by TAXII POST and by a federation-style store write are followed,
 * matched against watchlists, filtered per user by the access policy, and
 * delivered over server-sent events and to a signed webhook receiver.
 */
const TAXII = 'application/taxii+json;version=2.1';
const SECRET_KEY = 'alerts-test-secret-key-0123456789';
const WEBHOOK_SECRET = 'webhook-shared-secret-42';
const ISLAMIC_STATE = deterministicId('intrusion-set', { name: 'Islamic State' });

let seedObjects: Promise<StixObject[]> | undefined;
/** The seed article as ingest turns it into STIX (once per test file: the models take seconds to load). */
function seed(): Promise<StixObject[]> {
  seedObjects ??= Promise.resolve().then(() => [...ingestText(readSeedArticle()).bundle.objects]);
  return seedObjects;
}

interface StreamEvent {
  readonly at: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each test states the alert shape it expects
  readonly data: any;
}

interface Stream {
  readonly status: number;
  readonly events: StreamEvent[];
  readonly pings: () => number;
  /** The server ended the stream. */
  readonly ended: () => boolean;
  waitFor(predicate: (event: StreamEvent) => boolean, timeoutMs: number): Promise<StreamEvent | undefined>;
  close(): void;
}

/** A server-sent events client that parses `event: alert` blocks as they arrive. */
async function openStream(server: TaxiiTestServer, authorization: string): Promise<Stream> {
  const controller = new AbortController();
  const response = await fetch(`${server.url}/rest/v1/alerts/stream`, {
    headers: { authorization, accept: 'text/event-stream' },
    signal: controller.signal,
  });
  const events: StreamEvent[] = [];
  let comments = 0;
  let ended = false;
  if (response.status === 200 && response.body !== null) {
    readEventBlocks(response.body, (block) => {
      if (block.startsWith(':')) comments += 1;
      const data = alertData(block);
      if (data !== undefined) events.push({ at: Date.now(), data });
    }).then(
      () => (ended = true),
      // Aborted by close().
      () => undefined,
    );
  } else {
    await response.text();
  }
  return {
    status: response.status,
    events,
    pings: () => comments,
    ended: () => ended,
    async waitFor(predicate, timeoutMs) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        const found = events.find(predicate);
        if (found !== undefined) return found;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return events.find(predicate);
    },
    close: () => controller.abort(),
  };
}

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly at: number;
}

/** A webhook receiver on loopback that answers 500 to the first `failures` tries of each alert, then 200. */
async function startReceiver(failures: number): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      const tries = received.filter((r) => r.headers['x-entente-alert'] === request.headers['x-entente-alert']).length;
      response.writeHead(tries <= failures ? 500 : 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function postObjects(server: TaxiiTestServer, authorization: string, collectionId: string, objects: readonly StixObject[]): Promise<void> {
  const response = await fetch(`${server.apiRoot}collections/${collectionId}/objects/`, {
    method: 'POST',
    headers: { authorization, 'content-type': TAXII, accept: TAXII },
    body: JSON.stringify({ objects }),
  });
  const status = (await response.json()) as { failure_count: number; failures?: unknown };
  expect(response.status).toBe(202);
  expect(status.failure_count, JSON.stringify(status.failures)).toBe(0);
}

/** Marks every object TLP:AMBER for a sharing group, as a TAXII client asks for it (entente-sharing extension). */
function amberFor(objects: readonly StixObject[], groupId: string): StixObject[] {
  return objects.map((object) =>
    object.type === 'extension-definition'
      ? object
      : {
          ...object,
          object_marking_refs: [TLP2_MARKING_IDS.amber],
          extensions: {
            ...(object.extensions as Record<string, unknown> | undefined),
            [SHARING_EXTENSION_ID]: { extension_type: 'property-extension', sharing_group_ref: groupId },
          },
        },
  );
}

/** A small incident with an attribution (and optionally a place), as a partner or an analyst might send it. */
function incidentBundle(options: { name: string; attackType: string; group?: string; country?: string; tlp: 'clear' | 'green' | 'amber' }): StixObject[] {
  const now = new Date().toISOString();
  const common = { spec_version: '2.1', created: now, modified: now, object_marking_refs: [TLP2_MARKING_IDS[options.tlp]] };
  const incident: StixObject = {
    type: 'incident',
    id: randomId('incident'),
    ...common,
    name: options.name,
    extensions: {
      [INCIDENT_EXTENSION_ID]: {
        extension_type: 'property-extension',
        event_date: '2026-11-20',
        date_precision: 'day',
        news_status: 'news',
        attack_types: [options.attackType],
        target_types: ['Military'],
        weapon_types: ['Explosives'],
      },
    },
  };
  const objects: StixObject[] = [incident];
  if (options.group !== undefined) {
    objects.push({ type: 'relationship', id: randomId('relationship'), ...common, relationship_type: 'attributed-to', source_ref: incident.id, target_ref: options.group });
  }
  if (options.country !== undefined) {
    const location: StixObject = { type: 'location', id: randomId('location'), ...common, name: `Somewhere in ${options.country}`, country: options.country };
    objects.push(location, { type: 'relationship', id: randomId('relationship'), ...common, relationship_type: 'located-at', source_ref: incident.id, target_ref: location.id });
  }
  return objects;
}

function alertsSuite(open: () => Promise<TestStore>): void {
  const markedReads = async () =>
    withSharing(server.db).selectFrom('audit_log').select(['path', 'details']).where('action', '=', 'objects.read-marked').execute();
  let server: TaxiiTestServer;
  let followers: AlertFollower[];
  let sender: WebhookSender;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let writer: RestClient;
  let outsider: RestClient;
  let writerStream: Stream;
  let outsiderStream: Stream;
  let orgA: string;
  let groupA: string;
  let seedIncidentId: string;

  beforeAll(async () => {
    const objects = seed();
    server = await startTestServer(open, { secretKey: SECRET_KEY });
    orgA = (await findOrganizationByName(server.db, 'Agency A'))?.id ?? '';
    const orgB = (await findOrganizationByName(server.db, 'Agency B'))?.id ?? '';
    // The outsider's organisation may read the collection: only the marking keeps the AMBER article from it.
    await grantCollection(server.db, { collectionId: server.sharedId, orgId: orgB, canRead: true, canWrite: false });
    groupA = (await createSharingGroup(server.db, { name: 'A circle', ownerOrg: orgA })).id;
    receiver = await startReceiver(2);
    // Two followers on one database, as two servers would run them (steps cut inside a write: matcher.test.ts).
    followers = [new AlertFollower({ db: server.db }), new AlertFollower({ db: server.db })];
    for (const follower of followers) follower.start();
    sender = new WebhookSender({ db: server.db, secretKey: SECRET_KEY, audit: createAccessAudit(server.db), options: { baseDelayMs: 50, pollMs: 50, timeoutMs: 2000 } });
    sender.start();
    writer = restClient(server, server.auth.writer);
    outsider = await signIn(server, 'outsider');
    seedIncidentId = (await objects).find((o) => o.type === 'incident')?.id ?? '';
  }, 120_000);

  afterAll(async () => {
    writerStream?.close();
    outsiderStream?.close();
    await Promise.all([...(followers ?? []).map((f) => f.stop()), sender?.stop()]);
    await receiver?.close();
    await server?.close();
  });

  it('creates watchlists per user; the webhook secret is never shown nor stored in clear', async () => {
    const created = await writer.post('/watchlists', {
      name: 'Islamic State',
      match: { groups: ['Islamic State'] },
      webhook: { url: receiver.url, secret: WEBHOOK_SECRET },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ name: 'Islamic State', match: { groups: ['Islamic State'] }, webhook: { url: receiver.url } });
    expect(created.text).not.toContain(WEBHOOK_SECRET);
    const stored = await withAlerts(server.db).selectFrom('watchlists').select(['webhook_secret', 'terms']).execute();
    expect(JSON.stringify(stored)).not.toContain(WEBHOOK_SECRET);
    expect(stored[0]?.terms).toContain(ISLAMIC_STATE);

    const byAlias = await outsider.post('/watchlists', { name: 'Daesh', match: { groups: ['ISIS'] } });
    expect(byAlias.status, byAlias.text).toBe(201);
    const places = await writer.post('/watchlists', { name: 'Bombings in Syria', match: { countries: ['sy'], attackTypes: ['Bombing/Explosion'] } });
    expect(places.status, places.text).toBe(201);

    const mine = await writer.get('/watchlists');
    expect(mine.body.items.map((w: { name: string }) => w.name)).toEqual(['Islamic State', 'Bombings in Syria']);
    expect(mine.text).not.toContain(WEBHOOK_SECRET);
    const theirs = await outsider.get('/watchlists');
    expect(theirs.body.items.map((w: { name: string }) => w.name)).toEqual(['Daesh']);
  });

  it('answers 400 naming the field for bad watchlist input', async () => {
    const country = expectRestError(await writer.post('/watchlists', { name: 'x', match: { countries: ['Russia'] } }), 400, 'validation');
    expect(country.message).toContain('match.countries.0');
    const attack = expectRestError(await writer.post('/watchlists', { name: 'x', match: { attackTypes: ['Cyber'] } }), 400, 'validation');
    expect(attack.message).toContain('match.attackTypes.0');
    const empty = expectRestError(await writer.post('/watchlists', { name: 'x', match: {} }), 400, 'validation');
    expect(empty.message).toContain('"match"');
    const hook = expectRestError(
      await writer.post('/watchlists', { name: 'x', match: { groups: ['IS'] }, webhook: { url: 'file:///etc/passwd', secret: WEBHOOK_SECRET } }),
      400,
      'validation',
    );
    expect(hook.message).toContain('webhook.url');
    const unknown = expectRestError(await writer.post('/watchlists', { name: 'x', match: { groups: ['IS'] }, owner: 'admin' }), 400, 'validation');
    expect(JSON.stringify(unknown.details)).toContain('owner');
    expectRestError(await restClient(server, server.auth.readToken).post('/watchlists', { name: 'x', match: { groups: ['IS'] } }), 403, 'forbidden');
    expect((await writer.get('/watchlists')).body.items).toHaveLength(2);
  });

  it('opens live streams, at most five per user', async () => {
    writerStream = await openStream(server, server.auth.writer);
    outsiderStream = await openStream(server, server.auth.outsider);
    expect([writerStream.status, outsiderStream.status]).toEqual([200, 200]);
    const more = await Promise.all([1, 2, 3, 4].map(() => openStream(server, server.auth.writer)));
    expect(more.map((s) => s.status)).toEqual([200, 200, 200, 200]);
    const sixth = await openStream(server, server.auth.writer);
    expect(sixth.status).toBe(429);
    for (const stream of more) stream.close();
  });

  // How soon the alert arrives is measured by bench/alert-latency.ts, not asserted here: a loaded machine must not fail the test.
  it('the seed article published as AMBER to a group: its member is alerted live, the outsider gets nothing', async () => {
    const objects = amberFor(await seed(), groupA);
    await postObjects(server, server.auth.writer, server.sharedId, objects);
    // The wait only guards against a hang.
    const event = await writerStream.waitFor((e) => e.data.objectId === seedIncidentId, 30_000);
    expect(event, 'no alert event reached the writer').toBeDefined();
    expect(event?.data).toMatchObject({
      watchlistName: 'Islamic State',
      incidentId: seedIncidentId,
      title: 'Armed Assault in Chechnya (2015)',
      collection: server.sharedId,
      reasons: ['group: Islamic State'],
    });
    expect(event?.data.partner).toBeUndefined();

    const list = await writer.get('/alerts');
    expect(list.status).toBe(200);
    expect(list.body.items.filter((a: { objectId: string }) => a.objectId === seedIncidentId)).toHaveLength(1);
    // Alerts about AMBER intelligence are reads of it: audited for the list and the live stream alike.
    const readBy = async (path: string) => (await markedReads()).filter((r) => r.path === path && r.details.includes(seedIncidentId));
    expect(await readBy('GET /rest/v1/alerts')).toHaveLength(1);
    // The stream's entry is written beside the event, not before it.
    for (let tries = 0; tries < 50 && (await readBy('GET /rest/v1/alerts/stream')).length === 0; tries++) await new Promise((r) => setTimeout(r, 20));
    expect(await readBy('GET /rest/v1/alerts/stream')).toHaveLength(1);

    // Both followers ran over the same rows: still one alert per watchlist and object.
    await Promise.all(followers.map((f) => f.catchUp()));
    const rows = await withAlerts(server.db).selectFrom('alerts').select(['object_id', 'user_id']).execute();
    expect(rows.filter((r) => r.object_id === seedIncidentId)).toHaveLength(1);
    // The outsider's watchlist matched too, but the policy kept the alert from being raised for them at all.
    expect((await outsider.get('/alerts')).body.items).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(outsiderStream.events).toEqual([]);
  });

  it('the outsider is alerted for what they may see (CLEAR), and that is the first event they receive', async () => {
    const clear = incidentBundle({ name: 'Bombing claimed by IS', attackType: 'Bombing/Explosion', group: ISLAMIC_STATE, tlp: 'clear' });
    await postObjects(server, server.auth.writer, server.sharedId, clear);
    const event = await outsiderStream.waitFor(() => true, 3000);
    expect(event?.data).toMatchObject({ objectId: clear[0]?.id, watchlistName: 'Daesh', reasons: ['group: Islamic State'] });
    expect(outsiderStream.events.map((e) => e.data.objectId)).toEqual([clear[0]?.id]);
    const list = await outsider.get('/alerts');
    expect(list.body.items.map((a: { objectId: string }) => a.objectId)).toEqual([clear[0]?.id]);
  });

  it('an AMBER object pulled from a partner, under the group first made for what it sends, alerts its receiving organisation naming the partner', async () => {
    // Its own watcher, watchlist and stream: this test sets up all it needs, alone or after the others.
    await createUser(server.db, { orgId: orgA, username: 'partner-watcher', role: 'reader', password: 'a long enough password' });
    const authorization = `Basic ${Buffer.from('partner-watcher:a long enough password').toString('base64')}`;
    const created = await restClient(server, authorization).post('/watchlists', { name: 'Bombings in Syria', match: { countries: ['sy'], attackTypes: ['Bombing/Explosion'] } });
    expect(created.status, created.text).toBe(201);
    const stream = await openStream(server, authorization);
    try {
      expect(stream.status).toBe(200);
      const allied = await createOrganization(server.db, { name: 'Allied Agency' });
      const partner = await addPartner(server.db, SECRET_KEY, {
        name: 'allied',
        discoveryUrl: 'http://127.0.0.1:9/taxii2/',
        credentials: { kind: 'token', token: 'unused-in-this-test' },
        orgIds: [allied.id],
        receiverOrgIds: [orgA],
      });
      // Made on the first pull: "received from allied", the partner's and the receiving organisations.
      const receivedGroup = await ensureReceivedGroup(server.db, partner);
      expect(receivedGroup).toBeDefined();
      const pulled = incidentBundle({ name: 'Car bomb in Idlib', attackType: 'Bombing/Explosion', country: 'SY', tlp: 'amber' });
      // As federation/pull.ts stores a page: the partner's organisation as author, the partner and its group beside it.
      await server.store.addObjects(
        server.sharedId,
        pulled.map((object) => ({ object, json: JSON.stringify(object), tlp: 'amber' as const })),
        { authorOrg: allied.id, authorUser: null, partner: partner.id, sharingGroup: receivedGroup ?? null },
      );
      const event = await stream.waitFor((e) => e.data.objectId === pulled[0]?.id, 3000);
      expect(event?.data).toMatchObject({
        watchlistName: 'Bombings in Syria',
        incidentId: pulled[0]?.id,
        partner: 'allied',
        reasons: ['place: Somewhere in SY (SY)', 'attack type: Bombing/Explosion'],
      });
    } finally {
      stream.close();
    }
  });

  it('the seed article published through POST /rest/v1/ingest/publish alerts the follower of the Islamic State', async () => {
    const bundle = ingestText(readSeedArticle()).bundle;
    const published = await writer.post('/ingest/publish', { bundle, collection: server.sharedId, marking: 'green' });
    expect(published.status, published.text).toBe(200);
    const [incidentId] = published.body.incidentIds as string[];
    expect(incidentId).toMatch(/^incident--/);
    const event = await writerStream.waitFor((e) => e.data.objectId === incidentId, 3000);
    expect(event?.data).toMatchObject({ watchlistName: 'Islamic State', title: 'Armed Assault in Chechnya (2015)', reasons: ['group: Islamic State'] });
  });

  it('gives a webhook that keeps failing five tries, then records the delivery as failed', async () => {
    const failing = await startReceiver(10);
    try {
      const created = await writer.post('/watchlists', {
        name: 'Hijackings',
        match: { attackTypes: ['Hijacking'] },
        webhook: { url: failing.url, secret: WEBHOOK_SECRET },
      });
      expect(created.status, created.text).toBe(201);
      const hijacking = incidentBundle({ name: 'Hijacked airliner', attackType: 'Hijacking', tlp: 'clear' });
      await postObjects(server, server.auth.writer, server.sharedId, hijacking);
      const until = Date.now() + 10_000;
      let state: { deliveries: { pending: number; failed: number }; lastError?: string } | undefined;
      while (Date.now() < until) {
        const items = (await writer.get('/watchlists')).body.items as { id: string; webhook: typeof state }[];
        state = items.find((w) => w.id === created.body.id)?.webhook;
        if ((state?.deliveries.failed ?? 0) > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(state?.deliveries).toMatchObject({ pending: 0, failed: 1 });
      expect(state?.lastError).toBe('HTTP 500');
      expect(failing.received.map((r) => r.headers['x-entente-attempt'])).toEqual(['1', '2', '3', '4', '5']);
    } finally {
      await failing.close();
    }
  });

  it('delivers the alert to the webhook signed with HMAC-SHA256, retrying after 500s until it succeeds', async () => {
    const until = Date.now() + 10_000;
    const seedTries = () => receiver.received.filter((r) => JSON.parse(r.body).objectId === seedIncidentId).length;
    while (Date.now() < until && seedTries() < 3) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const forSeed = receiver.received.filter((r) => JSON.parse(r.body).objectId === seedIncidentId);
    expect(forSeed.map((r) => r.headers['x-entente-attempt'])).toEqual(['1', '2', '3']);
    for (const delivery of forSeed) {
      const expected = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(delivery.body).digest('hex')}`;
      expect(delivery.headers['x-entente-signature']).toBe(expected);
      expect(delivery.headers['content-type']).toBe('application/json');
    }
    expect(JSON.parse(forSeed[0]?.body ?? '{}')).toMatchObject({ objectId: seedIncidentId, watchlistName: 'Islamic State' });
    // Backoff: each retry waits longer than the one before (50 ms base, doubled, half of it jittered).
    const [first, second, third] = forSeed.map((r) => r.at);
    expect((second ?? 0) - (first ?? 0)).toBeGreaterThanOrEqual(25);
    expect((third ?? 0) - (second ?? 0)).toBeGreaterThanOrEqual(50);
    // A tampered body does not verify with the secret.
    const tampered = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(`${forSeed[0]?.body ?? ''} `).digest('hex')}`;
    expect(forSeed[0]?.headers['x-entente-signature']).not.toBe(tampered);

    expect((await markedReads()).some((r) => (r.path ?? '').startsWith('webhook 127.0.0.1:') && r.details.includes(seedIncidentId))).toBe(true);

    const hooks = await writer.get('/watchlists');
    const watched = hooks.body.items.find((w: { name: string }) => w.name === 'Islamic State');
    expect(watched.webhook.deliveries.delivered).toBeGreaterThanOrEqual(1);
    expect(watched.webhook.deliveries.failed).toBe(0);
    expect(watched.webhook.lastDeliveredAt).toMatch(/^\d{4}-/);
  });

  it('pages alerts newest first with an opaque cursor', async () => {
    const first = await writer.get('/alerts?limit=1');
    expect(first.headers.get('x-entente-applied-limit')).toBe('1');
    expect(first.body.items).toHaveLength(1);
    expect(typeof first.body.next).toBe('string');
    const rest = await writer.get(`/alerts?limit=50&cursor=${first.body.next as string}`);
    const all = [...first.body.items, ...rest.body.items].map((a: { objectId: string }) => a.objectId);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toContain(seedIncidentId);
    expectRestError(await writer.get('/alerts?cursor=not-ours'), 400, 'validation');
  });

  it('ends the live stream of a user disabled since it opened, before sending them anything more', async () => {
    const orgAUser = await createUser(server.db, { orgId: orgA, username: 'leaver', role: 'reader', password: 'a long enough password' });
    const leaver = restClient(server, `Basic ${Buffer.from('leaver:a long enough password').toString('base64')}`);
    expect((await leaver.post('/watchlists', { name: 'IS', match: { groups: [ISLAMIC_STATE] } })).status).toBe(201);
    const stream = await openStream(server, `Basic ${Buffer.from('leaver:a long enough password').toString('base64')}`);
    expect(stream.status).toBe(200);
    await server.db.updateTable('users').set({ disabled: 1 }).where('id', '=', orgAUser.id).execute();
    await postObjects(server, server.auth.writer, server.sharedId, incidentBundle({ name: 'Another claim', attackType: 'Armed Assault', group: ISLAMIC_STATE, tlp: 'clear' }));
    const until = Date.now() + 3000;
    while (Date.now() < until && !stream.ended()) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stream.ended()).toBe(true);
    expect(stream.events).toEqual([]);
  });

  it("deletes only one's own watchlists (another user's answers 404), with their alerts", async () => {
    const theirs = (await outsider.get('/watchlists')).body.items[0].id as string;
    expectRestError(await writer.delete(`/watchlists/${theirs}`), 404, 'not_found');
    expect((await outsider.delete(`/watchlists/${theirs}`)).status).toBe(204);
    expect((await outsider.get('/alerts')).body.items).toEqual([]);
    expect((await outsider.get('/watchlists')).body.items).toEqual([]);
    expectRestError(await writer.delete('/watchlists/not-an-id'), 400, 'validation');
  });
}

describe('alerts on SQLite', () => {
  alertsSuite(openSqliteForTest);

  it('closing the server ends the open live streams instead of waiting for them', async () => {
    const server = await startTestServer(openSqliteForTest);
    const stream = await openStream(server, server.auth.reader);
    expect(stream.status).toBe(200);
    const closed = await Promise.race([server.close().then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 5000))]);
    expect(closed).toBe(true);
    for (let tries = 0; tries < 50 && !stream.ended(); tries++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stream.ended()).toBe(true);
  });
});

const problem = await postgresProblem();
describeIfPostgres('alerts on PostgreSQL', problem, () => alertsSuite(openPostgresForTest));
