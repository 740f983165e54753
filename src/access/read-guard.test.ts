import { CompiledQuery, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { StixObject } from '../stix/stix-object.js';
import { openPostgresForTest, describeIfPostgres, postgresProblem } from '../store/test-backends.js';
import { createAccessAudit } from './access-audit.js';
import { queryAudit, verifyAuditChain } from './audit-log.js';
import { grantCollection } from './collection-grants.js';
import { createOrganization } from './organizations.js';
import { collectionPermissions } from './permissions.js';
import type { Principal, Role, TokenScope } from './principal.js';
import { readGuardSql, StatementParameters } from './read-guard.js';
import { samePrincipal } from './recent-principals.js';
import { freshDatabasePerTest } from './test-database.js';
import { createToken, findLiveToken, revokeToken } from './tokens.js';
import { createUser } from './users.js';

const HOUR = 3_600_000_000;

describeIfPostgres('read guard on PostgreSQL', await postgresProblem(), () => {
  const opened = freshDatabasePerTest(openPostgresForTest);

  async function guardHolds(token: string, principal: Principal, collectionId: string, now: number): Promise<boolean> {
    const params = new StatementParameters(0);
    const condition = readGuardSql(params, token, principal, collectionId, now);
    const { rows } = await opened().db.executeQuery<{ ok: boolean }>(CompiledQuery.raw(`select ${condition} as ok`, params.values));
    return rows[0]?.ok === true;
  }

  /** What the authenticator and the permission check decide for the same request. */
  async function decided(token: string, principal: Principal, collectionId: string, now: number): Promise<boolean> {
    const live = await findLiveToken(opened().db, token, now);
    if (live === undefined || live.user.disabled) return false;
    const { user } = live;
    const verified: Principal = {
      userId: user.id,
      username: user.username,
      orgId: user.orgId,
      role: user.role,
      scope: live.scope,
      representsPartner: live.representsPartner,
      via: 'token',
    };
    if (!samePrincipal(verified, principal)) return false;
    return (await collectionPermissions(opened().db, principal, collectionId)).canRead;
  }

  it('holds exactly when the token authenticates as the principal and it may read the collection', async () => {
    const { db, store } = opened();
    const orgA = await createOrganization(db, { name: 'Agency A' });
    const orgB = await createOrganization(db, { name: 'Agency B' });
    const now = Date.now() * 1000;
    const people: { principal: Principal; tokens: string[] }[] = [];
    const person = async (username: string, orgId: string, role: Role, scope: TokenScope) => {
      const user = await createUser(db, { orgId, username, role, password: 'a long password' });
      const live = await createToken(db, { userId: user.id, scope });
      const expiring = await createToken(db, { userId: user.id, scope, expiresAt: now + HOUR });
      const revoked = await createToken(db, { userId: user.id, scope });
      await revokeToken(db, revoked.record.id);
      const principal: Principal = { userId: user.id, username, orgId, role, scope, representsPartner: false, via: 'token' };
      people.push({ principal, tokens: [live.token, expiring.token, revoked.token] });
      return user;
    };
    await person('ana', orgA.id, 'reader', 'read');
    await person('bob', orgB.id, 'contributor', 'read-write');
    await person('root', orgB.id, 'admin', 'read');
    const dis = await person('dis', orgA.id, 'reader', 'read');
    await db.updateTable('users').set({ disabled: 1 }).where('id', '=', dis.id).execute();
    const granted = await store.createCollection({ title: 'Granted to A' });
    const unreadable = await store.createCollection({ title: 'A may only write' });
    const ungranted = await store.createCollection({ title: 'Nobody' });
    await grantCollection(db, { collectionId: granted.id, orgId: orgA.id, canRead: true, canWrite: false });
    await grantCollection(db, { collectionId: unreadable.id, orgId: orgA.id, canRead: false, canWrite: true });

    const base = people[0]?.principal as Principal;
    const variants = (p: Principal): Principal[] => [
      p,
      { ...p, role: p.role === 'admin' ? 'reader' : 'admin' },
      { ...p, orgId: p.orgId === orgA.id ? orgB.id : orgA.id },
      { ...p, scope: p.scope === 'read' ? 'read-write' : 'read' },
      { ...p, username: `${p.username}x` },
      { ...p, representsPartner: true },
      { ...p, userId: base.userId },
    ];
    let holds = 0;
    let cases = 0;
    for (const { principal, tokens } of people) {
      for (const token of [...tokens, 'ent_unknown-token-0000000000000000000000000']) {
        for (const claimed of variants(principal)) {
          for (const collection of [granted, unreadable, ungranted]) {
            for (const at of [now, now + 2 * HOUR]) {
              const expected = await decided(token, claimed, collection.id, at);
              expect(await guardHolds(token, claimed, collection.id, at), `${claimed.username} ${collection.title} ${at}`).toBe(expected);
              cases++;
              if (expected) holds++;
            }
          }
        }
      }
    }
    // The matrix has both answers, and more refusals than grants.
    expect(holds).toBeGreaterThan(5);
    expect(cases - holds).toBeGreaterThan(holds);
  });

  it('a page read with its audit entry keeps the chain, the entry and the page exactly as read and appended apart', async () => {
    const { db, store } = opened();
    const org = await createOrganization(db, { name: 'Agency A' });
    const user = await createUser(db, { orgId: org.id, username: 'ana', role: 'admin', password: 'a long password' });
    const { token, record } = await createToken(db, { userId: user.id, scope: 'read' });
    const collection = await store.createCollection({ title: 'Shared' });
    const at = (i: number) => `2026-01-0${i}T00:00:00.000Z`;
    const object = (i: number): StixObject => ({ type: 'note', spec_version: '2.1', id: `note--0000000${i}-0000-4000-8000-000000000000`, created: at(i), modified: at(i), content: 'x' }) as StixObject;
    await store.addObjects(
      collection.id,
      [1, 2, 3].map((i) => ({ object: object(i), json: JSON.stringify(object(i)), tlp: i === 2 ? 'green' : 'amber' })),
      { authorOrg: org.id, authorUser: user.id },
    );
    const audit = createAccessAudit(db);
    const principal: Principal = { userId: user.id, username: 'ana', orgId: org.id, role: 'admin', scope: 'read', representsPartner: false, via: 'token' };
    // An address and a path with what JSON escapes, so the hash PostgreSQL computes must match entryHash's text.
    const origin = { address: '::1', path: 'GET /objects/?q="quote"\\back\u0001é😀' };
    const read = { principal, authorization: `Bearer ${token}`, collectionId: collection.id, origin };
    const scope = { kind: 'viewer', userId: user.id, orgId: org.id, community: true } as const;

    // The chain head is learnt from the first append; until then pages are read as usual.
    expect(await audit.objectTextsWithAudit?.(read, { limit: 10 }, scope)).toBeUndefined();
    await audit.readsOf(principal, collection.id, ['first@x amber'], origin);

    const both = await audit.objectTextsWithAudit?.(read, { limit: 2 }, scope);
    expect(both?.appended).toBe(true);
    expect(both?.page.texts.join(',')).toBe([1, 2].map((i) => JSON.stringify(object(i))).join(','));
    expect(both?.page.more).toBe(true);
    const green = await audit.objectTextsWithAudit?.(read, { limit: 1, ids: [object(2).id] }, scope);
    expect(green?.appended).toBe(false);
    const last = await audit.objectTextsWithAudit?.(read, { limit: 10, ids: [object(3).id] }, scope);
    expect(last?.appended).toBe(true);
    // A write appends between reads: the next read's head is stale, so it is read as usual and the head re-read.
    await audit.record({ action: 'test.write', actorUser: user.id });
    expect(await audit.objectTextsWithAudit?.(read, { limit: 10 }, scope)).toBeUndefined();
    await audit.readsOf(principal, collection.id, ['again@x amber'], origin);
    expect((await audit.objectTextsWithAudit?.(read, { limit: 10, ids: [object(1).id] }, scope))?.appended).toBe(true);
    // Several types are read as one walk per type, merged: still one statement that reads and appends.
    const typed = await audit.objectTextsWithAudit?.(read, { limit: 10, types: ['note', 'indicator'] }, scope);
    expect(typed?.appended).toBe(true);
    expect(typed?.page.auditLabels).toEqual([1, 3].map((i) => `${object(i).id}@${at(i)} amber`));

    const entries = (await queryAudit(db, {})).filter((entry) => entry.action === 'objects.read-marked');
    expect(entries.map((entry) => entry.details)).toEqual([
      { objects: ['first@x amber'] },
      { objects: [`${object(1).id}@${at(1)} amber`] },
      { objects: [`${object(3).id}@${at(3)} amber`] },
      { objects: ['again@x amber'] },
      { objects: [`${object(1).id}@${at(1)} amber`] },
      { objects: [1, 3].map((i) => `${object(i).id}@${at(i)} amber`) },
    ]);
    expect(entries.every((entry) => entry.path === origin.path && entry.actorUser === user.id && entry.target === collection.id)).toBe(true);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, entries: 7 });

    // A revoked token appends nothing, though the page is still read (and then refused by the authenticator).
    await revokeToken(db, record.id);
    const refused = await audit.objectTextsWithAudit?.(read, { limit: 10 }, scope);
    expect(refused?.appended).toBe(false);
    expect(refused?.page.count).toBe(3);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, entries: 7 });
  });

  it('PostgreSQL writes JSON strings as JSON.stringify does, which the hash of an appended entry relies on', async () => {
    const samples = ['q"uote', 'back\\slash', 'tab\tnl\ncr\r', 'ctl\u0001\u001f\u007f', 'bs\b ff\f', 'ünï 漢字 😀', '\u2028\u2029', '/'];
    for (const text of samples) {
      const { rows } = await sql<{ json: string }>`select to_json(${text}::text)::text as json`.execute(opened().db);
      expect(rows[0]?.json).toBe(JSON.stringify(text));
    }
  });
});

describe('StatementParameters', () => {
  it('numbers placeholders after those the statement has', () => {
    const params = new StatementParameters(3);
    expect([params.add('a', 'text'), params.add(1, 'bigint')]).toEqual(['$4::text', '$5::bigint']);
    expect(params.values).toEqual(['a', 1]);
  });
});
