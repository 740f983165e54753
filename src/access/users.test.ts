import { describe, expect, it } from 'vitest';
import { deterministicId } from '../stix/identifier.js';
import type { TestStore } from '../store/test-backends.js';
import { describeOnBothBackends, freshDatabasePerTest } from './test-database.js';
import { checkUsername, createUser, findUserByUsername, listUsers, requireUser, setPassword } from './users.js';
import { createOrganization, listOrganizations, resolveOrganization } from './organizations.js';
import { verifyPassword } from './passwords.js';

/** The same cases on SQLite and on PostgreSQL. */
function suite(open: () => Promise<TestStore>): void {
  const opened = freshDatabasePerTest(open);

  describe('organisations', () => {
    it('are identities of class organization with a deterministic id by default', async () => {
      const org = await createOrganization(opened().db, { name: '  Agency A ' });
      expect(org.name).toBe('Agency A');
      expect(org.identityId).toBe(deterministicId('identity', { name: 'Agency A', identity_class: 'organization' }));
      expect(org.defaultTlp).toBe('amber');
    });

    it('are unique by name and resolved by name or id', async () => {
      const org = await createOrganization(opened().db, { name: 'Agency A' });
      await expect(createOrganization(opened().db, { name: 'Agency A' })).rejects.toMatchObject({ code: 'conflict' });
      expect((await resolveOrganization(opened().db, 'Agency A')).id).toBe(org.id);
      expect((await resolveOrganization(opened().db, org.id)).name).toBe('Agency A');
      await expect(resolveOrganization(opened().db, 'Agency B')).rejects.toMatchObject({ code: 'not_found' });
      expect(await listOrganizations(opened().db)).toHaveLength(1);
    });

    it('refuse empty names and non-identity ids', async () => {
      await expect(createOrganization(opened().db, { name: '   ' })).rejects.toMatchObject({ code: 'invalid_input' });
      await expect(createOrganization(opened().db, { name: 'X', identityId: 'malware--0b1a6c5e-3f5e-4b2a-9c1d-2e3f4a5b6c7d' })).rejects.toMatchObject({
        code: 'invalid_input',
      });
    });
  });

  describe('users', () => {
    it('validate usernames', () => {
      for (const good of ['admin', 'ana.b', 'a_b-c', 'ana@agency.example', '7']) expect(() => checkUsername(good)).not.toThrow();
      for (const bad of ['', 'Ana', 'a:b', ' ana', 'a b', '-ana', 'x'.repeat(65), 'ana\n']) {
        expect(() => checkUsername(bad), bad).toThrow(/not valid/);
      }
    });

    it('are created with an argon2id hash, one role and one organisation', async () => {
      const org = await createOrganization(opened().db, { name: 'Agency A' });
      const user = await createUser(opened().db, { orgId: org.id, username: 'ana', role: 'reader', password: 'a long password' });
      expect(user).toMatchObject({ orgId: org.id, username: 'ana', role: 'reader', disabled: false });
      const stored = await findUserByUsername(opened().db, 'ana');
      expect(stored?.passwordHash.startsWith('$argon2id$')).toBe(true);
      expect(await verifyPassword(stored?.passwordHash ?? '', 'a long password')).toBe(true);
      expect((await requireUser(opened().db, 'ana')).id).toBe(user.id);
      expect(await listUsers(opened().db, org.id)).toHaveLength(1);
    });

    it('refuse duplicates, unknown roles, unknown organisations and short passwords', async () => {
      const org = await createOrganization(opened().db, { name: 'Agency A' });
      const base = { orgId: org.id, username: 'ana', role: 'reader' as const, password: 'a long password' };
      await createUser(opened().db, base);
      await expect(createUser(opened().db, base)).rejects.toMatchObject({ code: 'conflict' });
      await expect(createUser(opened().db, { ...base, username: 'bo', role: 'root' as never })).rejects.toMatchObject({ code: 'invalid_input' });
      await expect(createUser(opened().db, { ...base, username: 'bo', orgId: 'nope' })).rejects.toMatchObject({ code: 'not_found' });
      await expect(createUser(opened().db, { ...base, username: 'bo', password: 'short' })).rejects.toMatchObject({ code: 'invalid_input' });
      await expect(requireUser(opened().db, 'bo')).rejects.toMatchObject({ code: 'not_found' });
    });

    it('change passwords', async () => {
      const org = await createOrganization(opened().db, { name: 'Agency A' });
      const user = await createUser(opened().db, { orgId: org.id, username: 'ana', role: 'reader', password: 'a long password' });
      await setPassword(opened().db, user.id, 'another long password');
      const stored = await findUserByUsername(opened().db, 'ana');
      expect(await verifyPassword(stored?.passwordHash ?? '', 'another long password')).toBe(true);
    });
  });
}

await describeOnBothBackends(suite);
