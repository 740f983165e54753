import { openSecret, sealSecret, SecretBoxError } from '../access/secret-box.js';
import { EntenteError } from '../errors.js';

/**
 * Webhook secrets at rest (access/secret-box.ts). The watchlist id is
 * authenticated with the ciphertext, so a sealed secret copied onto another
 * watchlist does not open.
 */
const FORMAT = 'w1';

export function sealWebhookSecret(secretKey: string | undefined, secret: string, watchlistId: string): string {
  try {
    return sealSecret(secretKey, FORMAT, secret, watchlistId);
  } catch (error) {
    throw explained(error, watchlistId);
  }
}

export function openWebhookSecret(secretKey: string | undefined, sealed: string, watchlistId: string): string {
  try {
    return openSecret(secretKey, FORMAT, sealed, watchlistId);
  } catch (error) {
    throw explained(error, watchlistId);
  }
}

function explained(error: unknown, watchlistId: string): unknown {
  if (!(error instanceof SecretBoxError)) return error;
  switch (error.reason) {
    case 'no_key':
      return new EntenteError(
        'invalid_input',
        'Webhook secrets are stored encrypted and this server has no key: the operator must set ENTENTE_SECRET_KEY (at least 16 characters)',
        { field: 'webhook', setting: 'ENTENTE_SECRET_KEY' },
      );
    case 'bad_format':
      return new EntenteError('invalid_config', `The webhook secret of watchlist ${watchlistId} is not in a known format; set the webhook again`);
    case 'wrong_key':
      return new EntenteError(
        'invalid_config',
        `Cannot decrypt the webhook secret of watchlist ${watchlistId}: ENTENTE_SECRET_KEY is not the key it was stored with`,
      );
  }
}
