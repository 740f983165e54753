import { describe } from 'vitest';
import { openSqliteForTest } from '../store/test-backends.js';
import { visibilityProperties } from './visibility-properties.js';

describe('visibility on SQLite', () => {
  visibilityProperties(openSqliteForTest, { scenarios: 25, queries: 10_000 });
});
