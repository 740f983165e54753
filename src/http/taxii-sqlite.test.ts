import { openSqliteForTest } from '../store/test-backends.js';
import { taxiiServerSuite } from './taxii-suite.js';

taxiiServerSuite('SQLite', openSqliteForTest);
