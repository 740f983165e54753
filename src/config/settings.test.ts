import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSettings } from './settings.js';

const ROOT = join(import.meta.dirname, '..', '..');
const MiB = 1024 * 1024;

describe('loadSettings', () => {
  it('has the defaults the README documents', () => {
    // README "Configuration" and "The entente command": serve on 127.0.0.1:8080 and ./data/entente.db.
    expect(loadSettings({})).toMatchObject({
      db: './data/entente.db',
      host: '127.0.0.1',
      port: 8080,
      title: 'entente',
      apiRootTitle: 'entente TAXII 2.1 API root',
      apiRootDescription: 'Counter-terrorism intelligence exchanged as STIX 2.1',
      maxBodyBytes: 100 * MiB,
      maxRestBodyBytes: 10 * MiB,
      maxObjectsPerEnvelope: 10_000,
      maxJsonDepth: 64,
      maxPageSize: 1000,
      defaultPageSize: 100,
      logLevel: 'info',
    });
    const defaults = loadSettings({});
    for (const unset of ['publicUrl', 'adminPassword', 'adminToken', 'secretKey'] as const) expect(defaults[unset], unset).toBeUndefined();
  });

  it('reads every variable from the environment, numbers included; an empty one counts as unset', () => {
    const settings = loadSettings({
      ENTENTE_DB: 'postgres://postgres@127.0.0.1:5432/test',
      ENTENTE_HOST: '0.0.0.0',
      ENTENTE_PORT: '9090',
      ENTENTE_PUBLIC_URL: 'https://intel.example/',
      ENTENTE_TITLE: 'Agency A',
      ENTENTE_API_ROOT_TITLE: 'Root',
      ENTENTE_API_ROOT_DESCRIPTION: 'What it holds',
      ENTENTE_MAX_BODY_BYTES: '2048',
      ENTENTE_MAX_REST_BODY_BYTES: '1024',
      ENTENTE_MAX_OBJECTS_PER_ENVELOPE: '7',
      ENTENTE_MAX_JSON_DEPTH: '8',
      ENTENTE_MAX_PAGE_SIZE: '50',
      ENTENTE_DEFAULT_PAGE_SIZE: '20',
      ENTENTE_ADMIN_PASSWORD: 'twelve chars',
      ENTENTE_ADMIN_TOKEN: 'x'.repeat(32),
      ENTENTE_SECRET_KEY: 's'.repeat(16),
      ENTENTE_LOG_LEVEL: 'silent',
      ENTENTE_TOKEN: 'not a setting of the server: ignored here',
    });
    expect(settings).toEqual({
      db: 'postgres://postgres@127.0.0.1:5432/test',
      host: '0.0.0.0',
      port: 9090,
      publicUrl: 'https://intel.example/',
      title: 'Agency A',
      apiRootTitle: 'Root',
      apiRootDescription: 'What it holds',
      maxBodyBytes: 2048,
      maxRestBodyBytes: 1024,
      maxObjectsPerEnvelope: 7,
      maxJsonDepth: 8,
      maxPageSize: 50,
      defaultPageSize: 20,
      adminPassword: 'twelve chars',
      adminToken: 'x'.repeat(32),
      secretKey: 's'.repeat(16),
      logLevel: 'silent',
    });
    expect(loadSettings({ ENTENTE_PORT: '' }).port).toBe(8080);
    expect(Object.isFrozen(settings)).toBe(true);
  });

  it('lets command-line flags win over the environment', () => {
    const settings = loadSettings({ ENTENTE_PORT: '9090', ENTENTE_DB: 'env.db' }, { port: 0, db: 'flag.db', host: undefined });
    expect(settings).toMatchObject({ port: 0, db: 'flag.db', host: '127.0.0.1' });
  });

  it('refuses a bad value with invalid_config naming the variable', () => {
    for (const [env, name] of [
      [{ ENTENTE_PORT: '99999' }, 'ENTENTE_PORT'],
      [{ ENTENTE_PORT: 'eighty' }, 'ENTENTE_PORT'],
      [{ ENTENTE_MAX_JSON_DEPTH: '2' }, 'ENTENTE_MAX_JSON_DEPTH'],
      [{ ENTENTE_MAX_BODY_BYTES: '0' }, 'ENTENTE_MAX_BODY_BYTES'],
      [{ ENTENTE_PUBLIC_URL: 'not a url' }, 'ENTENTE_PUBLIC_URL'],
      [{ ENTENTE_ADMIN_PASSWORD: 'short' }, 'ENTENTE_ADMIN_PASSWORD'],
      [{ ENTENTE_ADMIN_TOKEN: 'short' }, 'ENTENTE_ADMIN_TOKEN'],
      [{ ENTENTE_SECRET_KEY: 'short' }, 'ENTENTE_SECRET_KEY'],
      [{ ENTENTE_LOG_LEVEL: 'loud' }, 'ENTENTE_LOG_LEVEL'],
      [{ ENTENTE_DEFAULT_PAGE_SIZE: '2000' }, 'ENTENTE_DEFAULT_PAGE_SIZE'],
    ] as const) {
      expect(() => loadSettings(env), name).toThrowError(expect.objectContaining({ code: 'invalid_config', details: { setting: name } }));
      expect(() => loadSettings(env), name).toThrowError(new RegExp(`^${name}`));
    }
  });

  it('has every variable it reads in the README configuration table', () => {
    const source = readFileSync(join(ROOT, 'src', 'config', 'settings.ts'), 'utf8');
    const names = new Set([...source.matchAll(/'(ENTENTE_[A-Z_]+)'/g)].map((match) => match[1]));
    expect(names.size).toBeGreaterThan(10);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const start = readme.indexOf('## Configuration');
    const table = readme.slice(start, readme.indexOf('\n## ', start + 1));
    for (const name of names) expect(table, name).toContain(`\`${name}\``);
  });
});
