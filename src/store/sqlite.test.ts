import { storeContract } from './contract-suite.js';
import { openSqliteForTest } from './test-backends.js';

storeContract('SQLite', openSqliteForTest);
