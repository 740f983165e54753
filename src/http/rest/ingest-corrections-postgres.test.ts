import { describeIfPostgres, openPostgresForTest, postgresProblem } from '../../store/test-backends.js';
import { ingestCorrectionsSuite } from './ingest-corrections-suite.js';

describeIfPostgres('Ingest corrections on PostgreSQL', await postgresProblem(), () => ingestCorrectionsSuite(openPostgresForTest));
