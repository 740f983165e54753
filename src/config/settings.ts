import { z } from 'zod';
import { EntenteError } from '../errors.js';

/**
 * Every setting entente reads, validated once at start-up into a frozen typed
 * object that is passed down. Nothing else reads `process.env`.
 * Each entry: environment variable → meaning → default.
 */
const MiB = 1024 * 1024;

const schema = z.object({
  /** ENTENTE_DB: a SQLite file path, or a postgres:// URL for the scale backend. Default ./data/entente.db */
  db: z.string().min(1).default('./data/entente.db'),
  /** ENTENTE_HOST: the address the server binds. Default 127.0.0.1 */
  host: z.string().min(1).default('127.0.0.1'),
  /** ENTENTE_PORT: the TCP port. Default 8080 */
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  /** ENTENTE_PUBLIC_URL: the base URL partners use to reach this server, if it differs from host:port (behind a proxy). */
  publicUrl: z.string().url().optional(),
  /** ENTENTE_TITLE: the title of the TAXII discovery document. */
  title: z.string().min(1).default('entente'),
  /** ENTENTE_API_ROOT_TITLE: the title of the TAXII API root. */
  apiRootTitle: z.string().min(1).default('entente TAXII 2.1 API root'),
  /** ENTENTE_API_ROOT_DESCRIPTION: its description. */
  apiRootDescription: z.string().default('Counter-terrorism intelligence exchanged as STIX 2.1'),
  /** ENTENTE_MAX_BODY_BYTES: largest request body accepted; above it the answer is 413. Default 100 MiB */
  maxBodyBytes: z.coerce.number().int().positive().default(100 * MiB),
  /** ENTENTE_MAX_REST_BODY_BYTES: largest JSON body the REST API (/rest/v1) accepts; above it 413. Default 10 MiB */
  maxRestBodyBytes: z.coerce.number().int().positive().default(10 * MiB),
  /** ENTENTE_MAX_OBJECTS_PER_ENVELOPE: most objects one POST may carry; above it 413. Default 10000 */
  maxObjectsPerEnvelope: z.coerce.number().int().positive().default(10_000),
  /** ENTENTE_MAX_JSON_DEPTH: deepest JSON nesting accepted in a body; deeper is 400. Default 64 */
  maxJsonDepth: z.coerce.number().int().min(4).max(1000).default(64),
  /** ENTENTE_MAX_PAGE_SIZE: the largest `limit` served; larger requests are clamped. Default 1000 */
  maxPageSize: z.coerce.number().int().positive().default(1000),
  /** ENTENTE_DEFAULT_PAGE_SIZE: the page size when a request gives no `limit`. Default 100 */
  defaultPageSize: z.coerce.number().int().positive().default(100),
  /** ENTENTE_ADMIN_PASSWORD: on first start, the password of user `admin`; if unset one is generated and printed once. */
  adminPassword: z.string().min(12, 'ENTENTE_ADMIN_PASSWORD must have at least 12 characters').optional(),
  /** ENTENTE_ADMIN_TOKEN: on first start, an API token for `admin` (at least 32 characters). */
  adminToken: z.string().min(32, 'ENTENTE_ADMIN_TOKEN must have at least 32 characters').optional(),
  /**
   * ENTENTE_SECRET_KEY: the key that encrypts partner credentials at rest (AES-256-GCM under a key derived
   * with scrypt). At least 16 characters; keep it out of the database's backups. Unset: partners with
   * credentials cannot be added or synced. Changing it makes stored credentials unreadable (re-add the partners).
   */
  secretKey: z.string().min(16, 'ENTENTE_SECRET_KEY must have at least 16 characters').optional(),
  /** ENTENTE_LOG_LEVEL: pino level (fatal, error, warn, info, debug, trace, silent). Default info */
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Settings = Readonly<z.infer<typeof schema>>;
export type SettingsInput = z.input<typeof schema>;

const ENV_NAMES: Record<keyof Settings, string> = {
  db: 'ENTENTE_DB',
  host: 'ENTENTE_HOST',
  port: 'ENTENTE_PORT',
  publicUrl: 'ENTENTE_PUBLIC_URL',
  title: 'ENTENTE_TITLE',
  apiRootTitle: 'ENTENTE_API_ROOT_TITLE',
  apiRootDescription: 'ENTENTE_API_ROOT_DESCRIPTION',
  maxBodyBytes: 'ENTENTE_MAX_BODY_BYTES',
  maxRestBodyBytes: 'ENTENTE_MAX_REST_BODY_BYTES',
  maxObjectsPerEnvelope: 'ENTENTE_MAX_OBJECTS_PER_ENVELOPE',
  maxJsonDepth: 'ENTENTE_MAX_JSON_DEPTH',
  maxPageSize: 'ENTENTE_MAX_PAGE_SIZE',
  defaultPageSize: 'ENTENTE_DEFAULT_PAGE_SIZE',
  adminPassword: 'ENTENTE_ADMIN_PASSWORD',
  adminToken: 'ENTENTE_ADMIN_TOKEN',
  secretKey: 'ENTENTE_SECRET_KEY',
  logLevel: 'ENTENTE_LOG_LEVEL',
};

/**
 * Reads settings from the environment, then applies explicit overrides (CLI
 * flags win over environment variables). Throws `invalid_config` naming the
 * variable and the problem.
 */
export function loadSettings(env: NodeJS.ProcessEnv, overrides: Partial<SettingsInput> = {}): Settings {
  const fromEnv: Record<string, string> = {};
  for (const [key, name] of Object.entries(ENV_NAMES)) {
    const value = env[name];
    if (value !== undefined && value !== '') fromEnv[key] = value;
  }
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const parsed = schema.safeParse({ ...fromEnv, ...defined });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue?.path[0] ?? '');
    const name = ENV_NAMES[key as keyof Settings] ?? key;
    throw new EntenteError('invalid_config', `${name}: ${issue?.message ?? 'invalid value'}`, { setting: name });
  }
  if (parsed.data.defaultPageSize > parsed.data.maxPageSize) {
    throw new EntenteError('invalid_config', 'ENTENTE_DEFAULT_PAGE_SIZE must not exceed ENTENTE_MAX_PAGE_SIZE', {
      setting: 'ENTENTE_DEFAULT_PAGE_SIZE',
    });
  }
  return Object.freeze(parsed.data);
}
