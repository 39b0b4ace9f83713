import { describe, expect, it } from 'vitest';
import { readSweepState, type SweepWorkflowReader } from '../../../src/cli/sweep-state.js';
import type { SweepProgress } from '../../../workflows/shared.js';

/** A reader over fixed answers (pure logic: the real readers are exercised in test/integration/status.test.ts). */
function reader(
  status: string | undefined,
  live?: Partial<SweepProgress> | Error,
): SweepWorkflowReader & { queried: number } {
  const r = {
    queried: 0,
    status: () => Promise.resolve(status),
    progress: () => {
      r.queried++;
      if (live instanceof Error || live === undefined) return Promise.reject(live ?? new Error('no answer'));
      return Promise.resolve({ paused: false, cancelling: false, ...live } as SweepProgress);
    },
  };
  return r;
}

describe('readSweepState', () => {
  it('a running workflow is RUNNING, PAUSED or CANCELLING as its progress query says, RUNNING when it does not answer', async () => {
    expect(await readSweepState(reader('RUNNING', {}), 's', 'RUNNING')).toMatchObject({
      status: 'RUNNING',
      source: 'temporal',
    });
    expect((await readSweepState(reader('RUNNING', { paused: true }), 's', 'RUNNING')).status).toBe('PAUSED');
    expect((await readSweepState(reader('RUNNING', { paused: true, cancelling: true }), 's', 'RUNNING')).status).toBe(
      'CANCELLING',
    );
    const silent = await readSweepState(reader('RUNNING', new Error('deadline')), 's', 'COMPLETED');
    expect(silent).toEqual({ status: 'RUNNING', source: 'temporal' });
  });

  it('a closed workflow gives its final state, the row saying CANCELLED when it completed after a cancel; the query is not asked', async () => {
    const r = reader('COMPLETED');
    expect(await readSweepState(r, 's', 'RUNNING')).toEqual({ status: 'COMPLETED', source: 'temporal' });
    expect(await readSweepState(reader('COMPLETED'), 's', 'CANCELLED')).toEqual({
      status: 'CANCELLED',
      source: 'temporal',
    });
    expect((await readSweepState(reader('CANCELLED'), 's', 'RUNNING')).status).toBe('CANCELLED');
    expect((await readSweepState(reader('TERMINATED'), 's', 'RUNNING')).status).toBe('TERMINATED');
    expect(r.queried).toBe(0);
  });

  it('the row speaks only when Temporal has no history of the sweep; neither knowing it is a clear error', async () => {
    expect(await readSweepState(reader(undefined), 's', 'COMPLETED')).toEqual({
      status: 'COMPLETED',
      source: 'database',
    });
    await expect(readSweepState(reader(undefined), 'nope', undefined)).rejects.toThrow('no sweep with id nope');
  });
});
