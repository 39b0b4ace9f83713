import { defineConfig } from 'vitest/config';

// pool 'forks': the Temporal core bridge is a native addon and has crashed in worker threads
// (temporalio/sdk-typescript#876); tfjs-backend-wasm also prefers its own process.
export default defineConfig({
  test: {
    pool: 'forks',
    restoreMocks: true,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 60_000 },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
