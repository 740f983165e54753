import { createCipheriv, createDecipheriv, createHash, randomBytes, scryptSync } from 'node:crypto';

/**
 * Secrets at rest (partner credentials, webhook secrets): AES-256-GCM under a
 * key derived with scrypt from ENTENTE_SECRET_KEY and a random salt per value.
 * `context` (the id of the row the secret belongs to) is authenticated with the
 * ciphertext, so a sealed value copied onto another row does not open. Each
 * kind of secret has its own format tag, so values already stored stay readable.
 *
 * Failures are reported as reasons; each caller turns them into an error that
 * says what the operator must do for that kind of secret.
 */
export type SecretBoxFailure = 'no_key' | 'bad_format' | 'wrong_key';

export class SecretBoxError extends Error {
  constructor(readonly reason: SecretBoxFailure) {
    super(`secret box: ${reason}`);
  }
}

const SALT_BYTES = 16;
const IV_BYTES = 12;
/** scrypt cost: ~50 ms and 16 MiB once per sealed value and process (keys are cached). */
const SCRYPT = { N: 2 ** 14, r: 8, p: 1 } as const;
const derived = new Map<string, Buffer>();

export function sealSecret(secretKey: string | undefined, format: string, plaintext: string, context: string): string {
  const secret = requireKey(secretKey);
  const salt = randomBytes(SALT_BYTES);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyFor(secret, salt), iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [format, ...[salt, iv, cipher.getAuthTag(), body].map((part) => part.toString('base64url'))].join('.');
}

export function openSecret(secretKey: string | undefined, format: string, sealed: string, context: string): string {
  const secret = requireKey(secretKey);
  const [tag0, salt, iv, tag, body, ...rest] = sealed.split('.');
  if (tag0 !== format || salt === undefined || iv === undefined || tag === undefined || body === undefined || rest.length > 0) {
    throw new SecretBoxError('bad_format');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyFor(secret, Buffer.from(salt, 'base64url')), Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretBoxError('wrong_key');
  }
}

function requireKey(secretKey: string | undefined): string {
  if (secretKey === undefined || secretKey === '') throw new SecretBoxError('no_key');
  return secretKey;
}

function keyFor(secret: string, salt: Buffer): Buffer {
  const cacheKey = `${createHash('sha256').update(secret).digest('base64')}:${salt.toString('base64')}`;
  let key = derived.get(cacheKey);
  if (key === undefined) {
    key = scryptSync(secret, salt, 32, SCRYPT);
    derived.set(cacheKey, key);
  }
  return key;
}
