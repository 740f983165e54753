import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SHARING_EXTENSION_ID } from '../src/access/sharing-extension.js';
import { createSharingGroup } from '../src/access/sharing-groups.js';
import { findPartner } from '../src/federation/partners.js';
import { nowMicros } from '../src/store/timestamps.js';
import { TLP2_MARKING_IDS, type TlpLevel } from '../src/stix/tlp.js';
import { runCli, tempDir } from './cli-harness.js';
import { eventually, partnerAccount, startInstance, versions, type Instance } from './federation-instances.js';
import { readSeedArticle, seedArticlePath } from '../src/shared-folder.js';

vi.setConfig({ testTimeout: 600_000 });

/**
 * Issue 5, proof: three real `entente serve` processes on loopback — "paris",
 * "moscow" and "london" — each with its own SQLite database and its own
 * organisation ("local"), exchanging on their schedulers (every second):
 *
 *   paris  ──push──►  moscow  ──push──►  london
 *     ▲                                    │
 *     └──────────────── pull ──────────────┘
 *
 * Each side knows the others as organisations of its own; the sharing group
 * "with-moscow" on paris holds paris and moscow's organisation only.
 */
const SEED = seedArticlePath();
const MEDIA = 'application/taxii+json;version=2.1';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function note(level: TlpLevel, content: string, sharing: Record<string, unknown> | null = null, id = `note--${randomUUID()}`, modified = '2026-03-01T00:00:00.000Z') {
  return {
    type: 'note',
    spec_version: '2.1',
    id,
    created: '2026-03-01T00:00:00.000Z',
    modified,
    content,
    object_refs: ['identity--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f'],
    object_marking_refs: [TLP2_MARKING_IDS[level]],
    ...(sharing === null ? {} : { extensions: { [SHARING_EXTENSION_ID]: { extension_type: 'property-extension', ...sharing } } }),
  };
}

async function post(instance: Instance, objects: readonly object[]): Promise<void> {
  const response = await fetch(`${instance.url}/api/v21/collections/${await instance.defaultId()}/objects/`, {
    method: 'POST',
    headers: { authorization: `Bearer ${instance.adminToken}`, 'content-type': MEDIA, accept: MEDIA },
    body: JSON.stringify({ objects }),
  });
  const status = (await response.json()) as { success_count: number; failures?: unknown[] };
  expect(status.success_count, JSON.stringify(status.failures)).toBe(objects.length);
}

/**
 * Resolves once `holder`'s partner `name` has completed two successful runs
 * after now: the second began after the first ended, so it began after now
 * and saw everything published before this call.
 */
async function settled(holder: Instance, name: string): Promise<void> {
  const since = nowMicros();
  const successAfter = async (after: number): Promise<number | undefined> => {
    let at: number | undefined;
    const ok = await eventually(async () => {
      const success = (await findPartner(holder.opened.db, name))?.health.lastSuccessAt ?? null;
      if (success !== null && success > after) at = success;
      return at !== undefined;
    }, 120_000);
    if (!ok) {
      const partner = await findPartner(holder.opened.db, name);
      throw new Error(`${holder.name}'s partner ${name} did not complete a run: ${JSON.stringify(partner?.health)}`);
    }
    return at;
  };
  const first = await successAfter(since);
  await successAfter(first ?? since);
}

function byId(rows: readonly { id: string; version: string }[], id: string): string[] {
  return rows.filter((r) => r.id === id).map((r) => r.version);
}

describe('three instances exchange over TAXII 2.1', () => {
  it('GREEN reaches everyone; group AMBER only its members; AMBER+STRICT and RED never leave; new versions arrive; nothing is forwarded beyond its markings', async () => {
    const [paris, moscow, london] = await Promise.all(['paris', 'moscow', 'london'].map((name) => startInstance(name, cleanups)));
    if (paris === undefined || moscow === undefined || london === undefined) throw new Error('instances did not start');

    // Accounts each instance gives its partners (on the partner's side: an organisation standing for the peer).
    const parisOnMoscow = await partnerAccount(moscow, 'paris', { read: true, write: true });
    const moscowOnLondon = await partnerAccount(london, 'moscow', { read: true, write: true });
    const londonOnParis = await partnerAccount(paris, 'london', { read: true, write: false });
    const moscowOrgOnParis = (await partnerAccount(paris, 'moscow', { read: false, write: false })).org;
    const londonOrgOnMoscow = (await partnerAccount(moscow, 'london', { read: false, write: false })).org;
    const parisOrgOnLondon = (await partnerAccount(london, 'paris', { read: false, write: false })).org;

    const partnerAdd = async (holder: Instance, args: string[]) => {
      const result = await runCli(['partner', 'add', ...args, '--every', '1', '--db', holder.db], { env: holder.env });
      expect(result.code, result.stderr).toBe(0);
    };
    await partnerAdd(paris, ['moscow', '--url', moscow.discoveryUrl(), '--token', parisOnMoscow.token, '--org', moscowOrgOnParis.id, '--push', 'default:default']);
    await partnerAdd(moscow, ['london', '--url', london.discoveryUrl(), '--token', moscowOnLondon.token, '--org', londonOrgOnMoscow.id, '--push', 'default:default']);
    await partnerAdd(london, ['paris', '--url', paris.discoveryUrl(), '--token', londonOnParis.token, '--org', parisOrgOnLondon.id, '--pull', 'default:default']);

    // Paris publishes the seed article as GREEN through the real ingest command…
    const temp = tempDir();
    cleanups.push(() => temp.remove());
    const bundleFile = join(temp.dir, 'seed.json');
    readSeedArticle(); // Fails here, naming the path and the remedy, when the shared folder is missing.
    const ingested = await runCli(['ingest', SEED, '--out', bundleFile, '--publish', 'default', '--tlp', 'green', '--server', paris.discoveryUrl(), '--token', paris.adminToken], {
      env: paris.env,
    });
    expect(ingested.code, ingested.stderr).toBe(0);
    const bundle = JSON.parse(readFileSync(bundleFile, 'utf8')) as { objects: { id: string; type: string; name?: string; object_marking_refs?: string[] }[] };
    const seedGreen = bundle.objects.filter((o) => o.object_marking_refs?.includes(TLP2_MARKING_IDS.green)).map((o) => o.id);
    expect(seedGreen.length).toBeGreaterThan(20);
    const incident = bundle.objects.find((o) => o.type === 'incident');
    expect(incident?.name).toBeTypeOf('string');

    // …and notes under every other marking.
    const local = await paris.localOrg();
    const withMoscow = await createSharingGroup(paris.opened.db, { name: 'with-moscow', ownerOrg: local.id, members: [{ orgId: moscowOrgOnParis.id, canExtend: false }] });
    const parisOnly = await createSharingGroup(paris.opened.db, { name: 'paris-only', ownerOrg: local.id });
    const green = note('green', 'green v1');
    const amberMoscow = note('amber', 'amber for the group with moscow', { sharing_group_ref: withMoscow.id });
    const amberParis = note('amber', 'amber for paris alone', { sharing_group_ref: parisOnly.id });
    const strict = note('amber+strict', 'amber+strict');
    const red = note('red', 'red for moscow by name', { recipient_org_refs: [moscowOrgOnParis.identityId] });
    await post(paris, [green, amberMoscow, amberParis, strict, red]);

    await settled(paris, 'moscow');
    await settled(london, 'paris');
    await settled(moscow, 'london');

    const onMoscow = moscow.rows('default');
    const onLondon = london.rows('default');
    const ids = (rows: readonly { id: string }[]) => new Set(rows.map((r) => r.id));
    for (const id of [...seedGreen, green.id]) {
      expect(ids(onMoscow).has(id), `${id} on moscow`).toBe(true);
      expect(ids(onLondon).has(id), `${id} on london`).toBe(true);
    }
    expect(onMoscow.find((r) => r.id === incident?.id)?.json).toContain(incident?.name ?? '?');
    expect(ids(onMoscow).has(amberMoscow.id)).toBe(true);
    expect(onMoscow.find((r) => r.id === amberMoscow.id)?.tlp).toBe('amber');
    // Reached moscow, yet moscow's push to london does not forward it (its markings do not name london), nor could london pull it from paris.
    expect(ids(onLondon).has(amberMoscow.id)).toBe(false);
    for (const kept of [amberParis, strict, red]) {
      expect(ids(onMoscow).has(kept.id), `${kept.content} on moscow`).toBe(false);
      expect(ids(onLondon).has(kept.id), `${kept.content} on london`).toBe(false);
    }
    // Exactly what was allowed, each version once, and the JSON byte for byte as paris serves it.
    const parisRows = paris.rows('default');
    const allowed = parisRows.filter((r) => r.tlp === 'green' || r.tlp === 'clear');
    expect(versions(onLondon)).toEqual(versions(allowed));
    expect(versions(onMoscow)).toEqual(versions([...allowed, ...parisRows.filter((r) => r.id === amberMoscow.id)]));
    const parisJson = new Map(parisRows.map((r) => [`${r.id}@${r.version}`, r.json]));
    for (const row of [...onMoscow, ...onLondon].filter((r) => r.id !== amberMoscow.id)) expect(row.json).toBe(parisJson.get(`${row.id}@${row.version}`));
    // The entente-sharing extension names paris's own group: it stays home, the TLP marking travels.
    const { extensions: _home, ...amberAbroad } = amberMoscow;
    expect(onMoscow.find((r) => r.id === amberMoscow.id)?.json).toBe(JSON.stringify(amberAbroad));
    // London records who delivered each version: its pull from paris (the partner), or moscow's push (moscow's
    // account), whichever arrived first - the second arrival is a duplicate.
    const parisPartnerId = (await findPartner(london.opened.db, 'paris'))?.id;
    for (const row of onLondon) {
      expect(row.partner === parisPartnerId || (row.partner === null && row.author_org === moscowOnLondon.org.id), `${row.id} delivered by paris or moscow`).toBe(true);
    }

    // A new version on paris arrives on both as a new version; the first stays.
    await post(paris, [note('green', 'green v2', null, green.id, '2026-04-01T00:00:00.000Z')]);
    await settled(paris, 'moscow');
    await settled(london, 'paris');
    await settled(moscow, 'london');
    const expected = ['2026-03-01T00:00:00.000000Z', '2026-04-01T00:00:00.000000Z'];
    expect(byId(moscow.rows('default'), green.id)).toEqual(expected);
    expect(byId(london.rows('default'), green.id)).toEqual(expected);
    expect(london.rows('default').find((r) => r.id === green.id && r.version === expected[1])?.json).toContain('green v2');

    // A GREEN object moscow publishes itself goes on to london; moscow's own AMBER+STRICT does not.
    const moscowGreen = note('green', 'from moscow');
    const moscowStrict = note('amber+strict', 'moscow only');
    await post(moscow, [moscowGreen, moscowStrict]);
    await settled(moscow, 'london');
    expect(ids(london.rows('default')).has(moscowGreen.id)).toBe(true);
    expect(ids(london.rows('default')).has(moscowStrict.id)).toBe(false);
    // …and never back to paris, which neither pulls from moscow nor is pushed to by it.
    expect(ids(paris.rows('default')).has(moscowGreen.id)).toBe(false);

    for (const instance of [paris, moscow, london]) expect(await instance.stop()).toBe(0);
  });
});
