import { describeIfPostgres, openPostgresForTest, postgresProblem } from '../store/test-backends.js';
import { taxiiServerSuite } from './taxii-suite.js';

describeIfPostgres('TAXII server on PostgreSQL', await postgresProblem(), () => {
  taxiiServerSuite('PostgreSQL', openPostgresForTest);
});
