import { createCipheriv, createDecipheriv, createHash, randomBytes, scryptSync } from 'node:crypto';
import { EntenteError } from '../errors.js';

/** How entente proves who it is to a partner's TAXII server (TAXII 2.1 §1.6.7). */
export type PartnerCredentials =
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  | { readonly kind: 'token'; readonly token: string };

const FORMAT = 'v1';
const SALT_BYTES = 16;
const IV_BYTES = 12;
/** scrypt cost: ~50 ms and 16 MiB once per sealed value and process (keys are cached). */
const SCRYPT = { N: 2 ** 14, r: 8, p: 1 } as const;
const derived = new Map<string, Buffer>();

/**
 * Seals credentials for storage: AES-256-GCM under a key derived with scrypt
 * from ENTENTE_SECRET_KEY and a random salt. `context` (the partner's id) is
 * authenticated with the ciphertext, so sealed credentials copied onto another
 * partner's row do not open. Refuses when no key is configured.
 */
export function sealCredentials(secretKey: string | undefined, credentials: PartnerCredentials, context: string): string {
  const secret = requireKey(secretKey);
  const salt = randomBytes(SALT_BYTES);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyFor(secret, salt), iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(JSON.stringify(credentials), 'utf8'), cipher.final()]);
  return [FORMAT, salt, iv, cipher.getAuthTag(), body].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
}

/** Opens what `sealCredentials` sealed; throws `invalid_config` when the key is missing or not the one used. */
export function openCredentials(secretKey: string | undefined, sealed: string, context: string): PartnerCredentials {
  const secret = requireKey(secretKey);
  const [format, salt, iv, tag, body, ...rest] = sealed.split('.');
  if (format !== FORMAT || salt === undefined || iv === undefined || tag === undefined || body === undefined || rest.length > 0) {
    throw new EntenteError('invalid_config', `The stored credentials of partner ${context} are not in a known format; add the partner again`);
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyFor(secret, Buffer.from(salt, 'base64url')), Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const text = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    return JSON.parse(text) as PartnerCredentials;
  } catch {
    throw new EntenteError(
      'invalid_config',
      `Cannot decrypt the credentials of partner ${context}: ENTENTE_SECRET_KEY is not the key they were stored with (restore that key, or remove and add the partner again)`,
    );
  }
}

function requireKey(secretKey: string | undefined): string {
  if (secretKey === undefined || secretKey === '') {
    throw new EntenteError(
      'invalid_config',
      'Partner credentials are stored encrypted and no key is configured: set ENTENTE_SECRET_KEY (at least 16 characters) and keep it safe',
      { setting: 'ENTENTE_SECRET_KEY' },
    );
  }
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
