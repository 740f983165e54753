import { storeContract } from './contract-suite.js';
import { describeIfPostgres, openPostgresForTest, postgresProblem } from './test-backends.js';

describeIfPostgres('store on PostgreSQL', await postgresProblem(), () => {
  storeContract('PostgreSQL', openPostgresForTest);
});
