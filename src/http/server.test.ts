import { describe, expect, it } from 'vitest';
import { DatabaseAuthenticator } from '../access/authenticator.js';
import { createPermissionCheck } from '../access/permissions.js';
import { loadSettings } from '../config/settings.js';
import { openSqliteForTest } from '../store/test-backends.js';
import { startServer } from './server.js';

describe('startServer', () => {
  it('listens on a free port, answers, and refuses a port already taken with an actionable error', async () => {
    const { opened, dispose } = await openSqliteForTest();
    await opened.store.migrate();
    const deps = (port: number) => ({
      settings: loadSettings({}, { host: '127.0.0.1', port, logLevel: 'silent' }),
      store: opened.store,
      authenticator: new DatabaseAuthenticator(opened.db),
      permissions: createPermissionCheck(opened.db),
    });
    const first = await startServer(deps(0));
    try {
      expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const answer = await fetch(`${first.url}/taxii2/`);
      expect(answer.status).toBe(401);
      const port = Number(new URL(first.url).port);
      await expect(startServer(deps(port))).rejects.toMatchObject({ code: 'unavailable', message: expect.stringContaining('EADDRINUSE') });
    } finally {
      await first.close();
      await dispose();
    }
    await expect(fetch(`${first.url}/taxii2/`)).rejects.toThrow();
  });
});
