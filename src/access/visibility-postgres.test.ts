import { describeIfPostgres, openPostgresForTest, postgresProblem } from '../store/test-backends.js';
import { visibilityProperties } from './visibility-properties.js';

describeIfPostgres('visibility on PostgreSQL', await postgresProblem(), () => {
  visibilityProperties(openPostgresForTest, { scenarios: 10, queries: 1_500 });
});
