import { defineConfig } from 'vitest/config';

// Two projects: unit tests beside their code run without services; the rest (test/ and the
// workflow tests) share real Temporal and MongoDB-protocol servers started once by global-setup.
// Every answer the API gives under tests is held to its contract (api/contracts): a body the
// contract does not allow answers 500 response_mismatch, so any test that calls the API checks it.
const CHECK_RESPONSES = { LEADFLOW_CHECK_RESPONSES: 'fail' };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          env: CHECK_RESPONSES,
          include: ['{engine,rules,api,builder-ui}/**/*.test.{ts,tsx}', 'workflows/**/*-state.test.ts', 'workflows/rescore-progress.test.ts', 'workflows/lead.activities.test.ts', 'workflows/lifecycle-promises.test.ts', 'workflows/worker-threads.test.ts', 'scripts/ferretdb-patches.test.ts', 'scripts/supervisor.test.ts', 'scripts/calibrate.test.ts', 'scripts/bench-live/cpu.test.ts'],
          // Property tests run a thousand cases: on two busy cores that can pass vitest's 5 s
          // default. A limit against hangs, not a speed claim (speed lives in the benchmarks).
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          env: CHECK_RESPONSES,
          include: ['test/**/*.test.ts', 'workflows/**/*.workflow.test.ts', 'workflows/**/*.replay.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          // After each file: no worker it started logged a failed workflow task.
          setupFiles: ['test/support/no-failed-workflow-tasks.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // The machine has two cores; servers, workers and browsers share them.
          fileParallelism: false,
        },
      },
    ],
  },
});
