import { fetch } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TaxiiTestServer } from '../http/test-server.js';
import { INCIDENT_EXTENSION_ID } from '../stix/extensions.js';
import type { StixObject } from '../stix/stix-object.js';
import { IncidentIndex } from './incident-index.js';
import { startPolling, TimeSlice, type StopSignal } from './object-follower.js';
import { openSqliteForTest } from './test-backends.js';

const BACKLOG = 1_500;

function incident(n: number): StixObject {
  return {
    type: 'incident', spec_version: '2.1', id: `incident--6b0c1d6e-3f0a-4d4e-9a55-${String(n).padStart(12, '0')}`,
    created: '2026-01-01T00:00:00.000Z', modified: '2026-01-02T00:00:00.000Z', name: `Bombing ${n}`,
    extensions: {
      [INCIDENT_EXTENSION_ID]: {
        extension_type: 'property-extension', event_date: '2025-06-01', date_precision: 'day', news_status: 'news',
        attack_types: ['Bombing/Explosion'], target_types: ['Police'], weapon_types: ['Explosives'],
      },
    },
  };
}

describe('time-sliced followers', () => {
  let server: TaxiiTestServer | undefined;
  afterEach(async () => server?.close());

  it('a server with a backlog answers a request while the incident index is still catching up', { timeout: 120_000 }, async () => {
    server = await startTestServer(openSqliteForTest);
    const objects = Array.from({ length: BACKLOG }, (_, n) => incident(n));
    for (let start = 0; start < objects.length; start += 500) {
      const rows = objects.slice(start, start + 500).map((object) => ({ object, json: JSON.stringify(object), tlp: 'green' as const }));
      await server.store.addObjects(server.sharedId, rows, { authorOrg: null, authorUser: null });
    }
    const index = new IncidentIndex(server.db);
    let caughtUp = false;
    const catching = index.catchUp().then((read) => {
      caughtUp = true;
      return read;
    });
    // Before time slicing the whole backlog ran as one chain of resolved promises and this answer came after it.
    const response = await fetch(`${server.url}/taxii2/`, { headers: { accept: 'application/taxii+json;version=2.1', authorization: server.auth.readToken } });
    expect(response.status).toBe(200);
    expect(caughtUp).toBe(false);
    expect(await catching).toBe(BACKLOG);
    expect(await index.catchUp()).toBe(0);
  });

  it('a slice yields to the event loop only once its budget is spent', async () => {
    const slice = new TimeSlice(5);
    let ran = false;
    setImmediate(() => (ran = true));
    await slice.pause();
    expect(ran).toBe(false);
    const until = performance.now() + 6;
    while (performance.now() < until) expect(ran).toBe(false);
    expect(slice.expired()).toBe(true);
    await slice.pause();
    expect(ran).toBe(true);
    expect(slice.expired()).toBe(false);
  });

  it('polling runs after each run ends, reports failures, and stop aborts the signal of the run in progress and waits for it', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    let release: (() => void) | undefined;
    const signals: StopSignal[] = [];
    const polling = startPolling(async (signal) => {
      runs += 1;
      signals.push(signal);
      if (runs === 1) throw new Error('first run fails');
      await new Promise<void>((resolve) => (release = resolve));
    }, 1, (error) => errors.push(error));
    while (release === undefined) await new Promise((r) => setTimeout(r, 1));
    expect(signals.map((s) => s.aborted)).toEqual([false, false]);
    const stopped = polling.stop();
    expect(signals[1]?.aborted).toBe(true);
    let done = false;
    void stopped.then(() => (done = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(done).toBe(false);
    release();
    await stopped;
    expect(runs).toBe(2);
    expect(errors).toEqual([new Error('first run fails')]);
  });
});
