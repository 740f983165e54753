import { describe } from 'vitest';
import { openSqliteForTest } from '../../store/test-backends.js';
import { intelSuite } from './intel-suite.js';

describe('REST Intelligence on SQLite', () => intelSuite(openSqliteForTest));
