import { openSqliteForTest } from '../store/test-backends.js';
import { correlatorSuite } from './correlator-suite.js';

correlatorSuite('SQLite', openSqliteForTest);
