import { openSecret, sealSecret, SecretBoxError } from '../access/secret-box.js';
import { EntenteError } from '../errors.js';

/** How entente proves who it is to a partner's TAXII server (TAXII 2.1 §1.6.7). */
export type PartnerCredentials =
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  | { readonly kind: 'token'; readonly token: string };

const FORMAT = 'v1';

/**
 * Seals credentials for storage (access/secret-box.ts). `context` is the
 * partner's id, so sealed credentials copied onto another partner's row do not
 * open. Refuses when no key is configured.
 */
export function sealCredentials(secretKey: string | undefined, credentials: PartnerCredentials, context: string): string {
  try {
    return sealSecret(secretKey, FORMAT, JSON.stringify(credentials), context);
  } catch (error) {
    throw explained(error, context);
  }
}

/** Opens what `sealCredentials` sealed; throws `invalid_config` when the key is missing or not the one used. */
export function openCredentials(secretKey: string | undefined, sealed: string, context: string): PartnerCredentials {
  try {
    return JSON.parse(openSecret(secretKey, FORMAT, sealed, context)) as PartnerCredentials;
  } catch (error) {
    throw explained(error, context);
  }
}

function explained(error: unknown, partner: string): unknown {
  if (!(error instanceof SecretBoxError)) return error;
  switch (error.reason) {
    case 'no_key':
      return new EntenteError(
        'invalid_config',
        'Partner credentials are stored encrypted and no key is configured: set ENTENTE_SECRET_KEY (at least 16 characters) and keep it safe',
        { setting: 'ENTENTE_SECRET_KEY' },
      );
    case 'bad_format':
      return new EntenteError('invalid_config', `The stored credentials of partner ${partner} are not in a known format; add the partner again`);
    case 'wrong_key':
      return new EntenteError(
        'invalid_config',
        `Cannot decrypt the credentials of partner ${partner}: ENTENTE_SECRET_KEY is not the key they were stored with (restore that key, or remove and add the partner again)`,
      );
  }
}
