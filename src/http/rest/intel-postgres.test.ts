import { describeIfPostgres, openPostgresForTest, postgresProblem } from '../../store/test-backends.js';
import { intelSuite } from './intel-suite.js';

describeIfPostgres('REST Intelligence on PostgreSQL', await postgresProblem(), () => intelSuite(openPostgresForTest));
