import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';
import { grantCollection } from '../src/access/collection-grants.js';
import { createOrganization, findOrganizationByName, type Organization } from '../src/access/organizations.js';
import { createToken } from '../src/access/tokens.js';
import { createUser } from '../src/access/users.js';
import { openStore, type OpenedStore } from '../src/store/open-store.js';
import { cleanEnv, spawnCli, tempDir } from './cli-harness.js';

/**
 * Test support for federation end to end: real `entente serve` processes on
 * loopback, each with its own SQLite file, that can be killed with SIGKILL and
 * restarted on the same port; set up (organisations, partner accounts, grants)
 * through the library on the same file the running server uses, as an
 * administrator's CLI would.
 */
export const SECRET = 'federation-e2e-secret-key-0123456789';
const PASSWORD = 'correct horse battery staple';

export interface Instance {
  readonly name: string;
  readonly db: string;
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  readonly discoveryUrl: () => string;
  /** Bearer token of user admin (organisation "local"). */
  readonly adminToken: string;
  readonly env: NodeJS.ProcessEnv;
  /** An open connection to the instance's database (the running server has its own). */
  readonly opened: OpenedStore;
  /** Id of the collection "default" that serve creates. */
  readonly defaultId: () => Promise<string>;
  readonly localOrg: () => Promise<Organization>;
  /** Stops the server with SIGTERM (exit 0 expected). */
  stop(): Promise<number | null>;
  /** Kills the server with SIGKILL. */
  kill(): Promise<void>;
  /** Starts the server again on the same port (after stop or kill). */
  start(): Promise<void>;
  /** Rows of `objects` in a collection (by alias or id), read straight from the file. */
  rows(collection: string): StoredRow[];
}

export interface StoredRow {
  readonly id: string;
  readonly version: string;
  readonly json: string;
  readonly tlp: string;
  readonly partner: string | null;
  /** The organisation that published the row here (for a push: the pushing partner's account). */
  readonly author_org: string | null;
}

/** Starts `entente serve` on `port` (0: a free one) and resolves to its URL once it listens. */
function serve(db: string, port: number, env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const child = spawnCli(['serve', '--port', String(port), '--db', db], env);
  let seen = '';
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(seen)?.[1];
      if (url !== undefined) resolve({ child, url });
    });
    child.once('exit', (code) => reject(new Error(`serve ${db} exited (${String(code)}): ${seen} ${errors}`)));
  });
}

export async function startInstance(name: string, cleanups: (() => Promise<void> | void)[], extraEnv: Record<string, string> = {}): Promise<Instance> {
  const temp = tempDir();
  cleanups.push(() => temp.remove());
  const db = join(temp.dir, `${name}.db`);
  const adminToken = `${name}-admin-token-${randomUUID()}`;
  const env = cleanEnv({ ENTENTE_SECRET_KEY: SECRET, ENTENTE_ADMIN_TOKEN: adminToken, ...extraEnv });
  let running = await serve(db, 0, env);
  let child: ChildProcess | undefined = running.child;
  const opened = await openStore(db);
  cleanups.push(async () => {
    await instance.kill();
    await opened.store.close();
  });
  const instance: Instance = {
    name,
    db,
    url: running.url,
    discoveryUrl: () => `${instance.url}/taxii2/`,
    adminToken,
    env,
    opened,
    defaultId: async () => {
      const found = (await opened.store.listCollections()).find((c) => c.alias === 'default' || c.title === 'default');
      if (found === undefined) throw new Error(`${name} has no collection "default"`);
      return found.id;
    },
    localOrg: async () => {
      const org = await findOrganizationByName(opened.db, 'local');
      if (org === undefined) throw new Error(`${name} has no organisation "local"`);
      return org;
    },
    async stop() {
      if (child === undefined || child.exitCode !== null) return child?.exitCode ?? null;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      child = undefined;
      return code;
    },
    async kill() {
      if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
      child = undefined;
    },
    async start() {
      const port = Number(new URL(instance.url).port);
      running = await serve(db, port, env);
      child = running.child;
      instance.url = running.url;
    },
    rows(collection: string) {
      const reader = new Database(db, { readonly: true });
      try {
        return reader
          .prepare(
            'select o.id, o.version, o.json, o.tlp, o.partner, o.author_org from objects o join collections c on c.id = o.collection_id where c.id = ? or c.alias = ? order by o.date_added',
          )
          .all(collection, collection) as StoredRow[];
      } finally {
        reader.close();
      }
    },
  };
  return instance;
}

/**
 * On `host`: an organisation standing for a partner, and a user of it with a
 * read-write token, granted `collectionId` (read, and write when asked).
 * Returns the organisation and the token the partner is to use.
 */
export async function partnerAccount(
  host: Instance,
  orgName: string,
  grant: { read: boolean; write: boolean },
): Promise<{ org: Organization; token: string }> {
  const { db } = host.opened;
  const org = (await findOrganizationByName(db, orgName)) ?? (await createOrganization(db, { name: orgName }));
  const user = await createUser(db, { orgId: org.id, username: `${orgName.toLowerCase()}-sync`, role: grant.write ? 'contributor' : 'reader', password: PASSWORD });
  const { token } = await createToken(db, { userId: user.id, scope: grant.write ? 'read-write' : 'read' });
  await grantCollection(db, { collectionId: await host.defaultId(), orgId: org.id, canRead: grant.read, canWrite: grant.write });
  return { org, token };
}

/** `id@version` of each row, sorted. */
export function versions(rows: readonly StoredRow[]): string[] {
  return rows.map((r) => `${r.id}@${r.version}`).sort();
}

/** Polls `check` until it returns true or `ms` pass; returns the last answer. */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 60_000, every = 200): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, every));
  }
}
