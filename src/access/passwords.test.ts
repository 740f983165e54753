import { parseOptions } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { generatePassword, hashPassword, spendVerificationTime, verifyPassword } from './passwords.js';

describe('passwords', () => {
  it('hashes with argon2id and the documented parameters', async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(stored.startsWith('$argon2id$')).toBe(true);
    expect(parseOptions(stored)).toMatchObject({ memoryCost: 19_456, timeCost: 2, parallelism: 1 });
    expect(stored).not.toContain('correct horse');
  });

  it('verifies the right password only', async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(await verifyPassword(stored, 'correct horse battery staple')).toBe(true);
    expect(await verifyPassword(stored, 'correct horse battery stapl')).toBe(false);
    expect(await verifyPassword('not a hash', 'anything')).toBe(false);
  });

  it('salts: the same password hashes differently', async () => {
    expect(await hashPassword('the same password')).not.toBe(await hashPassword('the same password'));
  });

  it('rejects passwords shorter than 12 characters', async () => {
    await expect(hashPassword('short')).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('generates distinct 24-character passwords', () => {
    const a = generatePassword();
    expect(a).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(generatePassword()).not.toBe(a);
  });

  it('spends verification time without failing', async () => {
    await expect(spendVerificationTime('whatever')).resolves.toBeUndefined();
  });
});
