import { describe } from 'vitest';
import { openSqliteForTest } from '../../store/test-backends.js';
import { ingestCorrectionsSuite } from './ingest-corrections-suite.js';

describe('Ingest corrections on SQLite', () => ingestCorrectionsSuite(openSqliteForTest));
