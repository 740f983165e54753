import { openStore } from '../store/open-store.js';
import { TEST_POSTGRES_URL } from '../store/test-backends.js';
import { Correlator } from './correlator.js';
import { CorrelationFollower } from './correlation-follower.js';

/**
 * A second `entente serve` for correlation-lease.test.ts: correlates the
 * test PostgreSQL schema given as argument, under this process's lease, says
 * `holding N` and then waits to be killed (with -9, so it never releases).
 */
const schema = process.argv[2];
if (schema === undefined) throw new Error('usage: test-correlation-holder.ts SCHEMA');
const opened = await openStore(TEST_POSTGRES_URL, { schema });
const follower = new CorrelationFollower(opened.db, new Correlator(opened.db, opened.store));
const correlated = await follower.catchUp();
process.stdout.write(`holding ${correlated}\n`);
setInterval(() => undefined, 60_000);
