import { createCipheriv, createDecipheriv, createHash, randomBytes, scryptSync } from 'node:crypto';
import { EntenteError } from '../errors.js';

/**
 * Webhook secrets at rest: AES-256-GCM under a key derived with scrypt from
 * ENTENTE_SECRET_KEY (settings.secretKey) and a random salt, the scheme
 * federation/credentials.ts uses for partner credentials (alerts may not
 * import federation). The watchlist id is authenticated with the ciphertext,
 * so a sealed secret copied onto another watchlist does not open.
 */
const FORMAT = 'w1';
const SCRYPT = { N: 2 ** 14, r: 8, p: 1 } as const;
const derived = new Map<string, Buffer>();

export function sealWebhookSecret(secretKey: string | undefined, secret: string, watchlistId: string): string {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFor(requireKey(secretKey), salt), iv);
  cipher.setAAD(Buffer.from(watchlistId, 'utf8'));
  const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return [FORMAT, ...[salt, iv, cipher.getAuthTag(), body].map((part) => part.toString('base64url'))].join('.');
}

export function openWebhookSecret(secretKey: string | undefined, sealed: string, watchlistId: string): string {
  const [format, salt, iv, tag, body, ...rest] = sealed.split('.');
  if (format !== FORMAT || salt === undefined || iv === undefined || tag === undefined || body === undefined || rest.length > 0) {
    throw new EntenteError('invalid_config', `The webhook secret of watchlist ${watchlistId} is not in a known format; set the webhook again`);
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyFor(requireKey(secretKey), Buffer.from(salt, 'base64url')), Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(watchlistId, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new EntenteError(
      'invalid_config',
      `Cannot decrypt the webhook secret of watchlist ${watchlistId}: ENTENTE_SECRET_KEY is not the key it was stored with`,
    );
  }
}

function requireKey(secretKey: string | undefined): string {
  if (secretKey === undefined || secretKey === '') {
    throw new EntenteError(
      'invalid_input',
      'Webhook secrets are stored encrypted and this server has no key: the operator must set ENTENTE_SECRET_KEY (at least 16 characters)',
      { field: 'webhook', setting: 'ENTENTE_SECRET_KEY' },
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
