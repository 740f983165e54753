import { openPostgresForTest, postgresProblem, describeIfPostgres } from '../store/test-backends.js';
import { correlatorSuite } from './correlator-suite.js';

describeIfPostgres('Correlator on PostgreSQL', await postgresProblem(), () => {
  correlatorSuite('PostgreSQL', openPostgresForTest);
});
