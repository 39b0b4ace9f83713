import * as tf from '@tensorflow/tfjs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/nn/backend/index.js';

describe('importing the backend module', () => {
  it('keeps cpu as the default backend, so synchronous tf calls work before initBackend', async () => {
    expect(tf.findBackendFactory('wasm')).toBeDefined();
    expect(Array.from(tf.tensor([1, 2]).add(1).dataSync())).toEqual([2, 3]);
    expect(tf.getBackend()).toBe('cpu');
    // An empty build cache: on a machine with `hwsweep setup native`, auto would pick TensorFlow.
    const nativeCache = join(tmpdir(), 'hwsweep-no-native-builds');
    await expect(initBackend('auto', { log: () => undefined, nativeCache })).resolves.toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });
});
