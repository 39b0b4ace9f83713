import { defineConfig } from 'vitest/config';
import { findNativeBuild, nativeCacheRoot } from './src/nn/backend/native-cache.js';

// The native TensorFlow kernels are tested only where `hwsweep setup native` built the backend: the `native` project
// exists in the run then, and is reported as not applicable (not as passed) otherwise.
const nativeBuilt = findNativeBuild('cpu') ?? findNativeBuild('gpu');
if (!nativeBuilt && process.env['HWSWEEP_NATIVE_NOTED'] === undefined) {
  process.env['HWSWEEP_NATIVE_NOTED'] = '1'; // the config is evaluated more than once per run: say it once
  console.log(`native: not applicable (no \`hwsweep setup native\` build in ${nativeCacheRoot()}): test/native not run`);
}

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
      ...(nativeBuilt
        ? [{ extends: true as const, test: { name: 'native', include: ['test/native/**/*.test.ts'], testTimeout: 120_000 } }]
        : []),
      {
        extends: true,
        test: {
          name: 'integration',
          // test/workflows: the workflows with stub activities, on the same dev server (STYLE §7).
          include: ['test/integration/**/*.test.ts', 'test/workflows/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
