import { describe, expect, it } from 'vitest';
import { planTrainProcesses } from '../../../src/train-processes.js';

describe('planTrainProcesses', () => {
  it('defaults to one process per core, splitting the cores into TensorFlow threads', () => {
    const p = planTrainProcesses({ requested: undefined, backend: 'auto', env: {}, cores: 2, gpus: [] });
    expect(p.count).toBe(2);
    expect(p.env).toEqual([
      { TF_NUM_INTRAOP_THREADS: '1', TF_NUM_INTEROP_THREADS: '1' },
      { TF_NUM_INTRAOP_THREADS: '1', TF_NUM_INTEROP_THREADS: '1' },
    ]);
    expect(p.reason).toBe('2 training processes on 2 cores (1 TensorFlow thread each)');
  });

  it('one requested process gets every core', () => {
    const p = planTrainProcesses({ requested: 1, backend: 'wasm', env: {}, cores: 16, gpus: [] });
    expect(p).toMatchObject({ count: 1, env: [{ TF_NUM_INTRAOP_THREADS: '16' }] });
  });

  it('keeps thread counts the user set', () => {
    const p = planTrainProcesses({ requested: 3, backend: 'auto', env: { TF_NUM_INTRAOP_THREADS: '4' }, cores: 2, gpus: [] });
    expect(p.env).toEqual([{ TF_NUM_INTEROP_THREADS: '1' }, { TF_NUM_INTEROP_THREADS: '1' }, { TF_NUM_INTEROP_THREADS: '1' }]);
    expect(p.reason).toBe('3 training processes on 2 cores');
  });

  it('on GPUs: one process per GPU, each seeing its own', () => {
    const p = planTrainProcesses({ requested: undefined, backend: 'tensorflow-gpu', env: {}, cores: 16, gpus: ['0', '1'] });
    expect(p.count).toBe(2);
    expect(p.env.map((e) => e['CUDA_VISIBLE_DEVICES'])).toEqual(['0', '1']);
    expect(p.reason).toBe('2 training processes on 2 GPUs (0, 1)');
  });

  it('a CPU backend ignores the GPUs', () => {
    const p = planTrainProcesses({ requested: undefined, backend: 'wasm', env: {}, cores: 4, gpus: ['0'] });
    expect(p.count).toBe(4);
    expect(p.env[0]!['CUDA_VISIBLE_DEVICES']).toBeUndefined();
  });
});
