import { randomBytes } from 'node:crypto';
import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { EntenteError } from '../errors.js';

/**
 * Password hashing with argon2id (RFC 9106), parameters as the OWASP Password
 * Storage Cheat Sheet's first recommendation: 19 MiB of memory, 2 passes, one
 * lane — about 20 ms per verification on a 2-core server, slow enough to make
 * offline guessing costly and fast enough for HTTP Basic on every request
 * (the authenticator caches successful verifications). Hashes are PHC strings
 * that carry their own parameters, so raising them later keeps old hashes valid.
 */
export const PASSWORD_HASH_PARAMETERS = Object.freeze({
  // Algorithm is a `const enum` in the package's types and not present at run time; 2 is Argon2id.
  algorithm: 2 as Algorithm,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
  outputLen: 32,
});

export const MIN_PASSWORD_LENGTH = 12;
const MAX_PASSWORD_LENGTH = 1024;

/** Throws `invalid_input` when a new password is too short or too long. */
export function checkPasswordPolicy(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new EntenteError('invalid_input', `A password needs at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new EntenteError('invalid_input', `A password may have at most ${MAX_PASSWORD_LENGTH} characters`);
  }
}

export async function hashPassword(password: string): Promise<string> {
  checkPasswordPolicy(password);
  return hash(password, PASSWORD_HASH_PARAMETERS);
}

/** False for a wrong password and for a malformed stored hash alike. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  if (password.length > MAX_PASSWORD_LENGTH) return false;
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the time of one real verification against a hash no password
 * matches, so answering for an unknown user takes as long as for a known one
 * with a wrong password (no user enumeration by timing).
 */
export async function spendVerificationTime(password: string): Promise<void> {
  dummyHash ??= hash(randomBytes(32), PASSWORD_HASH_PARAMETERS);
  await verifyPassword(await dummyHash, password);
}

/** A random password for generated accounts: 24 URL-safe characters (144 bits). */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}
