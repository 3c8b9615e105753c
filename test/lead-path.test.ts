/**
 * The lead path end to end (test/support/lead-path-checks.ts), today: the API and worker on the
 * suite's Temporal dev server and database.
 */
import path from 'node:path';
import { inject } from 'vitest';
import { describeLeadPath } from './support/lead-path-checks';

describeLeadPath({
  shiftDays: 0,
  env: async () => ({ temporalAddress: inject('temporalAddress'), mongoUri: inject('mongoUri'), logDir: path.join(inject('runDir'), 'lead-path') }),
});
