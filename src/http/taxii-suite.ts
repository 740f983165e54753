import { afterAll, beforeAll, describe } from 'vitest';
import type { TestStore } from '../store/test-backends.js';
import { addTests } from './taxii-add-tests.js';
import { objectTests } from './taxii-object-tests.js';
import { pagingTests } from './taxii-paging-tests.js';
import { protocolTests } from './taxii-protocol-tests.js';
import { LIMITS, suiteContext } from './taxii-test-client.js';
import { startTestServer, type TaxiiTestServer } from './test-server.js';

/**
 * The TAXII 2.1 server over real HTTP on loopback, run once per storage
 * backend (taxii-sqlite.test.ts, taxii-postgres.test.ts).
 */
export function taxiiServerSuite(backend: string, open: () => Promise<TestStore>): void {
  describe(`TAXII 2.1 server over HTTP on ${backend}`, () => {
    let server: TaxiiTestServer | undefined;

    beforeAll(async () => {
      server = await startTestServer(open, LIMITS);
    });
    afterAll(async () => {
      await server?.close();
    });

    const t = suiteContext(() => {
      if (server === undefined) throw new Error('the test server did not start');
      return server;
    });
    protocolTests(t);
    addTests(t);
    pagingTests(t);
    objectTests(t);
  });
}
