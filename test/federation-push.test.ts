import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createOrganization } from '../src/access/organizations.js';
import { publishObjects, type Publisher } from '../src/access/publication.js';
import { SHARING_EXTENSION_ID } from '../src/access/sharing-extension.js';
import { createSharingGroup } from '../src/access/sharing-groups.js';
import { addPartner } from '../src/federation/partners.js';
import { startTestServer, type TaxiiTestServer } from '../src/http/test-server.js';
import { TLP2_MARKING_IDS, type TlpLevel } from '../src/stix/tlp.js';
import type { IncomingObject } from '../src/store/object-store.js';
import { openSqliteFileForTest, openSqliteForTest } from '../src/store/test-backends.js';
import { cleanEnv, runCli } from './cli-harness.js';

vi.setConfig({ testTimeout: 180_000 });

/**
 * Issue 5, push, end to end: "paris" (A), a database driven by the real
 * `entente sync` command, pushes to "london" (B), a real entente server on
 * loopback with its own database. Only what the markings allow arrives.
 */
const SECRET = 'paris-secret-key-0123456789';
const env = cleanEnv({ ENTENTE_SECRET_KEY: SECRET });
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function note(level: TlpLevel, sharing: Record<string, unknown> | null = null, modified = '2025-01-01T00:00:00.000Z', id = `note--${randomUUID()}`): IncomingObject {
  const object = {
    type: 'note',
    spec_version: '2.1',
    id,
    created: '2025-01-01T00:00:00.000Z',
    modified,
    content: `marked ${level}`,
    object_refs: ['identity--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f'],
    object_marking_refs: [TLP2_MARKING_IDS[level]],
    ...(sharing === null ? {} : { extensions: { [SHARING_EXTENSION_ID]: { extension_type: 'property-extension', ...sharing } } }),
  };
  return { object, json: JSON.stringify(object) };
}

async function idsOnLondon(london: TaxiiTestServer): Promise<string[]> {
  const page = await london.store.queryObjectTexts(london.sharedId, { versions: [{ kind: 'all' }], limit: 1000 }, { kind: 'all' });
  return page.items
    .map((item) => JSON.parse(item.json) as { id: string; modified: string })
    .map((o) => `${o.id}@${o.modified}`)
    .sort();
}

describe('entente sync pushes to a partner', () => {
  it('delivers exactly CLEAR, GREEN and group-shared AMBER, once, and a new version as a new version', async () => {
    const london = await startTestServer(openSqliteForTest);
    cleanups.push(() => london.close());
    const paris = await openSqliteFileForTest();
    cleanups.push(paris.dispose);
    const { db, store } = paris.opened;
    await store.migrate();
    const outbox = await store.createCollection({ title: 'Outbox', alias: 'outbox' });
    const parisOrg = await createOrganization(db, { name: 'Paris agency' });
    const londonOrg = await createOrganization(db, { name: 'London agency' });
    const withLondon = await createSharingGroup(db, { name: 'with-london', ownerOrg: parisOrg.id, members: [{ orgId: londonOrg.id, canExtend: false }] });
    const parisOnly = await createSharingGroup(db, { name: 'paris-only', ownerOrg: parisOrg.id });
    const publish = async (publisher: Publisher, objects: IncomingObject[]) => {
      const outcome = await publishObjects(db, store, outbox.id, publisher, objects, { address: '127.0.0.1', path: 'test' });
      expect(outcome.failures).toEqual([]);
      return objects.map((o) => o.object.id);
    };
    const asParis: Publisher = { orgId: parisOrg.id, userId: null };
    const allowed = await publish(asParis, [note('clear'), note('green'), note('amber', { sharing_group_ref: withLondon.id })]);
    await publish(asParis, [
      note('amber', { sharing_group_ref: parisOnly.id }),
      note('amber+strict'),
      note('red', { recipient_org_refs: [londonOrg.identityId] }),
    ]);
    await publish({ orgId: londonOrg.id, userId: null }, [note('amber+strict'), note('red')]);
    await addPartner(db, SECRET, {
      name: 'london',
      discoveryUrl: `${london.url}/taxii2/`,
      credentials: { kind: 'token', token: london.auth.writer.slice('Bearer '.length) },
      orgIds: [londonOrg.id],
      push: [{ localCollection: outbox.id, remoteCollection: 'shared' }],
    });

    const first = await runCli(['sync', 'london', '--db', paris.url], { env });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/push .*: 3 pushed, 0 failed/);
    expect(await idsOnLondon(london)).toEqual(allowed.map((id) => `${id}@2025-01-01T00:00:00.000Z`).sort());

    const second = await runCli(['sync', 'london', '--db', paris.url, '--json'], { env });
    expect(second.code, second.stderr).toBe(0);
    const rules = (JSON.parse(second.stdout) as { rules: { direction: string; pushed: number; failed: number }[] }[])[0]?.rules;
    expect(rules).toEqual([expect.objectContaining({ direction: 'push', pushed: 0, failed: 0 })]);
    expect(await idsOnLondon(london)).toHaveLength(3);

    const green = allowed[1] as string;
    await publish(asParis, [note('green', null, '2025-03-01T00:00:00.000Z', green)]);
    const third = await runCli(['sync', 'london', '--db', paris.url], { env });
    expect(third.code, third.stderr).toBe(0);
    expect(third.stdout).toMatch(/1 pushed, 0 failed/);
    expect((await idsOnLondon(london)).filter((v) => v.startsWith(green))).toEqual([`${green}@2025-01-01T00:00:00.000Z`, `${green}@2025-03-01T00:00:00.000Z`]);
  });
});
