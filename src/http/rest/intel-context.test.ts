import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { INCIDENT_EXTENSION_ID } from '../../stix/extensions.js';
import type { StixObject } from '../../stix/stix-object.js';
import { incidentIndexFor } from '../../store/incident-index.js';
import { describeIfPostgres, openPostgresForTest, openSqliteForTest, postgresProblem, type TestStore } from '../../store/test-backends.js';
import { startTestServer, type TaxiiTestServer } from '../test-server.js';
import { caughtUpOrWaited } from './intel-context.js';
import { restClient } from './rest-test-client.js';

describe('waiting for the incident index before a query', () => {
  it('answers as soon as the catch-up ends', async () => {
    const started = Date.now();
    await caughtUpOrWaited(Promise.resolve(3), pino({ level: 'silent' }), 5_000);
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('stops waiting for a catch-up still working through a backlog', async () => {
    const started = Date.now();
    await caughtUpOrWaited(new Promise(() => undefined), pino({ level: 'silent' }), 50);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });

  it('answers from the index as it stands when the catch-up fails, and logs why', async () => {
    const warnings: unknown[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => warnings.push(JSON.parse(line)) });
    await expect(caughtUpOrWaited(Promise.reject(new Error('database is locked')), logger, 5_000)).resolves.toBeUndefined();
    expect(warnings).toEqual([expect.objectContaining({ msg: 'incident index: catching up before a query failed' })]);
  });
});

const INCIDENT = 'incident--6b0c1d6e-3f0a-4d4e-9a55-0b6a1d1e0001';

function incident(): StixObject {
  return {
    type: 'incident', spec_version: '2.1', id: INCIDENT, created: '2026-01-01T00:00:00.000Z', modified: '2026-01-02T00:00:00.000Z', name: 'Bombing in Kabul',
    extensions: {
      [INCIDENT_EXTENSION_ID]: {
        extension_type: 'property-extension', event_date: '2025-06-01', date_precision: 'day', news_status: 'news',
        attack_types: ['Bombing/Explosion'], target_types: ['Police'], weapon_types: ['Explosives'],
      },
    },
  };
}

/**
 * `entente serve` stops its followers, then closes the server: a query that
 * arrives in between must not start a catch-up of its own, which would keep
 * working through the backlog on a store about to close.
 */
function stoppingSuite(open: () => Promise<TestStore>): void {
  let server: TaxiiTestServer | undefined;
  afterEach(async () => server?.close());

  it('a query once the index follower stopped answers from the index as it stands, and projects nothing', async () => {
    server = await startTestServer(open);
    const reader = restClient(server, server.auth.reader);
    const index = incidentIndexFor(server.db);
    const following = index.follow(60_000, () => undefined);
    await server.store.addObjects(server.sharedId, [{ object: incident(), json: JSON.stringify(incident()), tlp: 'green' }], { authorOrg: null, authorUser: null });
    await following.stop();
    const feed = await reader.get('/incidents');
    expect(feed.status, feed.text).toBe(200);
    expect(feed.body.items).toEqual([]);
    const again = index.follow(60_000, () => undefined);
    const resumed = await reader.get('/incidents');
    await again.stop();
    expect(resumed.body.items.map((item: { id: string }) => item.id)).toEqual([INCIDENT]);
  });
}

describe('an Intelligence query while `entente serve` stops, on SQLite', () => stoppingSuite(openSqliteForTest));
describeIfPostgres('an Intelligence query while `entente serve` stops, on PostgreSQL', await postgresProblem(), () => stoppingSuite(openPostgresForTest));
