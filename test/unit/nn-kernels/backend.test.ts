import * as tf from '@tensorflow/tfjs';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HwsweepError } from '../../../src/errors.js';
import { activeBackend, initBackend } from '../../../src/nn/backend/index.js';
import type { BackendChoice, ModuleImporter } from '../../../src/nn/backend/index.js';
import { TENSORFLOW_VERSION, TFJS_NODE_VERSION, nativeBuildDir } from '../../../src/nn/backend/native-cache.js';

/** Simulates installing a native package: importing it registers a fake 'tensorflow' backend. */
function fakeNative(installed: Record<string, { gpu: boolean }>): { importer: ModuleImporter; imported: string[] } {
  const imported: string[] = [];
  const importer: ModuleImporter = async (spec) => {
    imported.push(spec);
    const pkg = installed[spec];
    if (!pkg) throw new Error(`Cannot find package '${spec}'`);
    tf.registerBackend('tensorflow', () => Object.assign(new MathBackendCPU(), { isUsingGpuDevice: pkg.gpu }));
    return {};
  };
  return { importer, imported };
}

function removeFakeNative(): void {
  if ('tensorflow' in tf.engine().registryFactory) tf.removeBackend('tensorflow');
}

async function caught(p: Promise<unknown>): Promise<HwsweepError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof HwsweepError) return err;
    throw err;
  }
  throw new Error('expected initBackend to throw');
}

/** No `hwsweep setup native` build: these tests are about the packages and the fallbacks. */
const NO_BUILDS = join(tmpdir(), 'hwsweep-no-native-builds');
const quiet = { log: (): void => undefined, nativeCache: NO_BUILDS };

describe('initBackend', () => {
  it('auto picks wasm when no native package is installed, and logs why', async () => {
    const lines: string[] = [];
    const { importer, imported } = fakeNative({});
    await expect(initBackend('auto', { log: (m) => lines.push(m), importer, nativeCache: NO_BUILDS })).resolves.toBe('wasm');
    expect(imported).toEqual(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']);
    expect(tf.getBackend()).toBe('wasm');
    expect(activeBackend()).toBe('wasm');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^\[hwsweep\] tfjs backend: wasm: WebAssembly\/XNNPACK .*skipped: no hwsweep gpu build \(hwsweep setup native --gpu\); cannot import @tensorflow\/tfjs-node-gpu/,
    );
  });

  it('returns the active backend on a second call without loading anything', async () => {
    const { importer, imported } = fakeNative({});
    await tf.setBackend('cpu'); // someone switched tfjs meanwhile
    await expect(initBackend(undefined, { ...quiet, importer })).resolves.toBe('wasm');
    expect(imported).toEqual([]);
    expect(tf.getBackend()).toBe('wasm');
  });

  it('serialises concurrent calls', async () => {
    const results = await Promise.all([
      initBackend('cpu', quiet),
      initBackend('auto', quiet),
      initBackend('wasm', quiet),
    ]);
    expect(results).toEqual(['cpu', 'cpu', 'wasm']);
    expect(tf.getBackend()).toBe('wasm');
  });

  it('an explicit native choice that cannot load throws TOOL_MISSING with an install hint', async () => {
    const err = await caught(initBackend('tensorflow-gpu', { ...quiet, importer: fakeNative({}).importer }));
    expect(err.code).toBe('TOOL_MISSING');
    expect(err.message).toMatchInlineSnapshot(
      `"initBackend: backend tensorflow-gpu is not available: no hwsweep gpu build (hwsweep setup native --gpu); cannot import @tensorflow/tfjs-node-gpu: Cannot find package '@tensorflow/tfjs-node-gpu'"`,
    );
    expect(err.hint).toMatch(/^`npx hwsweep setup native --gpu` builds it .*npm install --no-save @tensorflow\/tfjs-node-gpu@4\.22\.0` .*CUDA 11\.x and cuDNN 8/);
    expect(tf.getBackend()).toBe('wasm');
    const err2 = await caught(initBackend('tensorflow', { ...quiet, importer: fakeNative({}).importer }));
    expect(err2.hint).toMatch(/^`npx hwsweep setup native` builds it .*`npm install --no-save @tensorflow\/tfjs-node@4\.22\.0` /);
  });

  it('auto picks tensorflow-gpu when tfjs-node-gpu loads and sees a GPU', async () => {
    const { importer, imported } = fakeNative({ '@tensorflow/tfjs-node-gpu': { gpu: true } });
    try {
      // A different explicit choice switches; 'auto' after an active backend would keep it.
      await expect(initBackend('tensorflow-gpu', { ...quiet, importer })).resolves.toBe('tensorflow-gpu');
      expect(imported).toEqual(['@tensorflow/tfjs-node-gpu']);
      expect(tf.getBackend()).toBe('tensorflow');
    } finally {
      await initBackend('wasm', quiet);
      removeFakeNative();
    }
  });

  it('explicit tensorflow-gpu without a visible GPU throws and keeps the previous backend', async () => {
    const { importer } = fakeNative({ '@tensorflow/tfjs-node-gpu': { gpu: false } });
    try {
      const err = await caught(initBackend('tensorflow-gpu', { ...quiet, importer }));
      expect(err.message).toMatchInlineSnapshot(
        `"initBackend: backend tensorflow-gpu loaded @tensorflow/tfjs-node-gpu but TensorFlow sees no GPU"`,
      );
      expect(tf.getBackend()).toBe('wasm');
      expect(activeBackend()).toBe('wasm');
    } finally {
      removeFakeNative();
    }
  });

  it('explicit tensorflow uses @tensorflow/tfjs-node', async () => {
    const { importer, imported } = fakeNative({ '@tensorflow/tfjs-node': { gpu: false } });
    try {
      await expect(initBackend('tensorflow', { ...quiet, importer })).resolves.toBe('tensorflow');
      expect(imported).toEqual(['@tensorflow/tfjs-node']);
    } finally {
      await initBackend('wasm', quiet);
      removeFakeNative();
    }
  });

  it('rejects an unknown choice and a bad thread count naming the parameter', async () => {
    await expect(initBackend('gpu' as BackendChoice)).rejects.toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: initBackend: choice = gpu is not one of auto, tensorflow-gpu, tensorflow, wasm, cpu]`,
    );
    await expect(initBackend('wasm', { threads: 0 })).rejects.toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: initBackend: threads = 0 is not an integer >= 1]`,
    );
  });
});

describe('initBackend with hwsweep builds in the cache', () => {
  it('a build that cannot load (a corrupt binding) is named in the error, and the previous backend stays', async () => {
    const root = mkdtempSync(join(tmpdir(), 'hwsweep-corrupt-builds-'));
    for (const variant of ['cpu', 'gpu'] as const) {
      const dir = nativeBuildDir(variant, root);
      mkdirSync(join(dir, 'lib', 'napi-v8'), { recursive: true });
      writeFileSync(join(dir, 'lib', 'napi-v8', 'tfjs_binding.node'), 'not an ELF file');
      writeFileSync(
        join(dir, 'build.json'),
        JSON.stringify({ variant, tfjsNode: TFJS_NODE_VERSION, tensorflow: TENSORFLOW_VERSION, binding: 'lib/napi-v8/tfjs_binding.node' }),
      );
    }
    await initBackend('cpu', quiet);
    const lines: string[] = [];
    const { importer } = fakeNative({});
    await expect(initBackend('tensorflow', { log: (m) => lines.push(m), importer, nativeCache: root })).rejects.toThrow(
      /backend tensorflow is not available: hwsweep-build: cannot load .*tfjs_binding\.node: .*; cannot import @tensorflow\/tfjs-node/,
    );
    // Without an NVIDIA device the GPU build is not even loaded while a CPU build exists; with one, it fails to load.
    await expect(initBackend('tensorflow-gpu', { ...quiet, importer, nativeCache: root })).rejects.toThrow(
      /backend tensorflow-gpu is not available: (hwsweep gpu build not loaded: no NVIDIA device|hwsweep-build: cannot load)/,
    );
    expect(tf.getBackend()).toBe('cpu');
    await initBackend('wasm', quiet);
  });
});
