import type { Client } from '@temporalio/client';
import { afterEach, describe, expect, it } from 'vitest';
import { sweepWorkflowId } from '../../src/cli/context.js';
import { pauseSignal, progressQuery, resumeSignal, setParallelismSignal, cancelSignal, TaskQueues } from '../../workflows/shared.js';
import { sweepWorkflow, type SweepInput, type SweepResult } from '../../workflows/sweep.js';
import { FakeSweep, fakeWorkers, type FakeOptions } from './fake-activities.js';

/**
 * The sweep, trial and stage workflows on the real dev server with stub activities (test/workflows/fake-activities.ts):
 * what the orchestration decides, independent of training, simulation and SQL.
 */
describe('sweep workflow with stub activities', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  async function setup(o: FakeOptions, input: Partial<SweepInput> = {}): Promise<{ fake: FakeSweep; client: Client; handle: ReturnType<Client['workflow']['getHandle']> }> {
    const fake = new FakeSweep(`wf-${Date.now()}-${Math.random().toString(36).slice(2, 6)}`, o);
    const w = await fakeWorkers(fake);
    close = w.close;
    const args: SweepInput = {
      sweepId: fake.id,
      maxParallel: 2,
      retry: { maxAttempts: 2, initialIntervalMs: 100, backoff: 1, maximumIntervalMs: 100 },
      heartbeatTimeoutMs: 2000,
      ...input,
    };
    const handle = await w.client.workflow.start(sweepWorkflow, { taskQueue: TaskQueues.orchestration, workflowId: sweepWorkflowId(fake.id), args: [args] });
    return { fake, client: w.client, handle };
  }

  /** Polls `f` every 100 ms until it is true (fails after 60 s). */
  async function until(f: () => boolean | Promise<boolean>, what: string): Promise<void> {
    const end = Date.now() + 60_000;
    while (!(await f())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('runs at most maxParallel trials; pause stops new starts, setParallelism and resume take effect', async () => {
    const { fake, handle } = await setup({ trials: 6, hold: true });
    const progress = () => handle.query(progressQuery);
    await until(async () => (await progress()).running === 2, 'two running');
    expect(fake.starts()).toBe(2);
    await handle.signal(pauseSignal);
    await until(async () => (await progress()).paused, 'paused');
    fake.release(0);
    await until(() => fake.count('finishTrial') === 1, 'trial 0 finished');
    await new Promise((r) => setTimeout(r, 1500));
    expect(fake.starts()).toBe(2); // paused: no new trial started
    expect(await progress()).toMatchObject({ running: 1, completed: 1, paused: true });
    await handle.signal(setParallelismSignal, 3);
    await handle.signal(resumeSignal);
    await until(async () => (await progress()).running === 3, 'three running');
    expect(await progress()).toMatchObject({ maxParallel: 3, paused: false });
    fake.release(1, 2, 3, 4, 5);
    expect((await handle.result()) as SweepResult).toMatchObject({ total: 6, completed: 6, failed: 0, cancelled: 0 });
    for (let n = 0; n < 6; n++) expect(fake.starts(n)).toBe(1);
    expect(fake.count('finishSweep', (a) => a['status'] === 'COMPLETED')).toBe(1);
  });

  it('cancel stops running trials, their stages are recorded cancelled, and pending trials are cancelled too', async () => {
    const { fake, handle } = await setup({ trials: 5, hold: true });
    await until(() => fake.count('retrainStage') === 2, 'two retraining');
    await handle.signal(cancelSignal);
    const res = (await handle.result()) as SweepResult;
    expect(res).toMatchObject({ total: 5, completed: 0, cancelled: 5 });
    expect(fake.count('finishTrial', (a) => a['status'] === 'CANCELLED')).toBe(2);
    expect(fake.count('failStages', (a) => a['status'] === 'cancelled')).toBe(2);
    expect(fake.count('compressStage')).toBe(0);
    expect(fake.count('cancelPendingTrials')).toBe(1);
    expect(fake.count('finishSweep', (a) => a['status'] === 'CANCELLED')).toBe(1);
  });

  it('starts the free slots in one batch: planned trials get their plan, trials with nothing to compute get no workflow', async () => {
    const stored = (n: number) => n % 2 === 1;
    const { fake, handle, client } = await setup({ trials: 6, stored }, { maxParallel: 4 });
    expect((await handle.result()) as SweepResult).toMatchObject({ total: 6, completed: 6, reused: 3 });
    const batches = fake.calls.filter((c) => c.name === 'startTrials').map((c) => c.args['numbers']);
    expect(batches[0]).toEqual([0, 1, 2, 3]); // the four free slots at once
    for (let n = 0; n < 6; n++) expect(fake.starts(n)).toBe(1);
    expect(fake.count('startTrial')).toBe(0); // trial workflows got their plans
    const ran = async (n: number): Promise<boolean> =>
      client.workflow
        .getHandle(`${fake.id}/trial-${n}`)
        .describe()
        .then(
          () => true,
          () => false,
        );
    for (let n = 0; n < 6; n++) expect(await ran(n)).toBe(!stored(n));
    expect(fake.count('compressStage')).toBe(3);
  });

  it('continues as new every trialsPerRun starts and starts every trial exactly once', async () => {
    const { fake, handle, client } = await setup({ trials: 7 }, { trialsPerRun: 3 });
    expect((await handle.result()) as SweepResult).toMatchObject({ total: 7, completed: 7 });
    for (let n = 0; n < 7; n++) expect(fake.starts(n)).toBe(1);
    // Three runs: two continued as new, the last completed (visibility lags the workflow a little: poll it).
    const runs = async (): Promise<string[]> => {
      const r: string[] = [];
      for await (const w of client.workflow.list({ query: `WorkflowId = '${sweepWorkflowId(fake.id)}'` })) r.push(w.status.name);
      return r.sort();
    };
    await until(async () => JSON.stringify(await runs()) === JSON.stringify(['COMPLETED', 'CONTINUED_AS_NEW', 'CONTINUED_AS_NEW']), 'runs in visibility');
  });

  it('early stopping: a trial stopped at a rung is PRUNED, retrains no further and is neither compressed nor simulated', async () => {
    const stopAt = (n: number, step: number) => (n === 1 && step === 1) || (n === 2 && step === 3);
    const { fake, handle } = await setup({ trials: 3, epochs: 9, rungs: [1, 3], stopAt }, { maxParallel: 3 });
    expect((await handle.result()) as SweepResult).toMatchObject({ total: 3, completed: 1, pruned: 2 });
    const untils = (n: number) => fake.calls.filter((c) => c.name === 'retrainStage' && fake.numberOf(c.args['trialId']) === n).map((c) => c.args['until']);
    expect([untils(0), untils(1), untils(2)]).toEqual([[1, 3, 9], [1], [1, 3]]);
    const reports = (n: number) => fake.calls.filter((c) => c.name === 'reportRung' && fake.numberOf(c.args['trialId']) === n).map((c) => c.args['step']);
    expect([reports(0), reports(1), reports(2)]).toEqual([[1, 3], [1], [1, 3]]);
    expect(fake.calls.filter((c) => c.name === 'finishTrial').map((c) => [fake.numberOf(c.args['trialId']), c.args['status'], c.args['stoppedEpoch']]).sort()).toEqual([
      [0, 'COMPLETED', undefined],
      [1, 'PRUNED', 1],
      [2, 'PRUNED', 3],
    ]);
    expect(fake.calls.filter((c) => c.name === 'compressStage').map((c) => fake.numberOf(c.args['trialId']))).toEqual([0]);
    expect(fake.count('simulateStages')).toBe(1);
  });

  it('stage sharing: two trials that need one retrained stage at once run one computation, the other waits for it', async () => {
    const { fake, handle } = await setup({ trials: 2, hold: true, retrainedKey: () => 'shared' });
    await until(() => fake.count('retrainStage') === 1 && fake.count('awaitStages') >= 1, 'one computing, one waiting');
    fake.release(0, 1);
    expect((await handle.result()) as SweepResult).toMatchObject({ total: 2, completed: 2 });
    expect(fake.count('pruneStage')).toBe(1);
    expect(fake.count('retrainStage')).toBe(1);
    expect(fake.count('compressStage')).toBe(2); // each trial's own compressed stage
    expect(fake.calls.filter((c) => c.name === 'finishTrial').every((c) => c.args['status'] === 'COMPLETED')).toBe(true);
  });
});
