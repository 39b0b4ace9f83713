import { heartbeat, sleep } from '@temporalio/activity';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { StartedTrial, TrialPlan } from '../../activities/trial.js';
import { temporalConnectionOptions } from '../../src/services/index.js';
import { installRuntime, workflowBundle } from '../../src/worker.js';
import { TaskQueues } from '../../workflows/shared.js';
import { testSettings } from '../helpers/services.js';

/**
 * Stub activities for workflow tests: an in-memory sweep whose trials and stages behave like the real store's
 * (states, stage completion, waiting), with every call recorded. Training "runs" until a test releases it, so a
 * test can hold trials running while it sends signals. Only the workflows are real (on the dev server).
 */

export interface FakeOptions {
  trials: number;
  /** Retrained stage key of each trial (default: one of its own); equal keys = a shared stage. */
  retrainedKey?: (n: number) => string;
  /** Retraining epochs of every trial and the pruner's rungs (default 2 epochs, no rungs). */
  epochs?: number;
  rungs?: number[];
  /** The pruner's decision for trial n at `step` (default: go on). */
  stopAt?: (n: number, step: number) => boolean;
  /** Whether retraining waits for `release(n)` (default: finishes at once). */
  hold?: boolean;
  /** Trials whose stages are all stored already: their start completes them (REUSED), as the real `startTrials` does. */
  stored?: (n: number) => boolean;
}

export type Call = { name: string; args: Record<string, unknown> };

export class FakeSweep {
  readonly calls: Call[] = [];
  readonly status = new Map<number, string>();
  readonly stages = new Map<string, { status: string; epochsDone: number }>();
  private readonly released = new Set<number>();
  readonly id: string;
  readonly o: FakeOptions;
  constructor(id: string, o: FakeOptions) {
    this.id = id;
    this.o = o;
    for (let n = 0; n < o.trials; n++) this.status.set(n, 'PENDING');
  }

  release(...numbers: number[]): void {
    for (const n of numbers) this.released.add(n);
  }
  count(name: string, pred: (a: Record<string, unknown>) => boolean = () => true): number {
    return this.calls.filter((c) => c.name === name && pred(c.args)).length;
  }
  /** How many times trials were started (batched by the sweep or one by a trial workflow), all or trial `n`. */
  starts(n?: number): number {
    const numbers = this.calls.flatMap((c) =>
      c.name === 'startTrials' ? (c.args['numbers'] as number[]) : c.name === 'startTrial' ? [c.args['number'] as number] : [],
    );
    return numbers.filter((x) => n === undefined || x === n).length;
  }
  numberOf(trialId: unknown): number {
    return Number(String(trialId).split('/t').at(-1));
  }
  private key(kind: string, n: number): string {
    return kind === 'retrained' ? `${this.id}/${this.o.retrainedKey?.(n) ?? `r${n}`}` : `${this.id}/${kind[0]}${n}`;
  }

  activities(): Record<string, (input: never) => Promise<unknown>> {
    const rec = (name: string, args: unknown) => this.calls.push({ name, args: args as Record<string, unknown> });
    const epochs = this.o.epochs ?? 2;
    const counts = () => {
      const c: Record<string, number> = { PENDING: 0, RUNNING: 0, COMPLETED: 0, FAILED: 0, CANCELLED: 0, PAUSED: 0, PRUNED: 0 };
      for (const s of this.status.values()) c[s] = (c[s] ?? 0) + 1;
      return c;
    };
    const stage = (key: string) => {
      let s = this.stages.get(key);
      if (!s) this.stages.set(key, (s = { status: 'pending', epochsDone: 0 }));
      return s;
    };
    /** What starting trial n plans (and marks it RUNNING when it may run). */
    const planOf = (n: number): TrialPlan => {
      const run = this.status.get(n) === 'PENDING' || this.status.get(n) === 'RUNNING';
      if (run) this.status.set(n, 'RUNNING');
      return {
        trialId: `${this.id}/t${n}`,
        baselineKey: 'b',
        label: `trial ${n}`,
        run,
        baselineDone: true,
        retrained: { key: this.key('retrained', n), usable: false, epochs, epochsDone: 0, rungs: this.o.rungs ?? [] },
        compressed: { key: this.key('compressed', n), usable: false },
        simulations: [{ key: this.key('simulation', n), usable: false, index: 0 }],
      };
    };
    const acts = {
      openSweep: async (a: unknown) => (rec('openSweep', a), { total: this.o.trials, added: 0, requeued: 0, rejected: 0 }),
      registerSweep: async (a: unknown) => (rec('registerSweep', a), { total: this.o.trials, added: 0, requeued: 0, rejected: 0 }),
      nextTrials: async (a: { after: number; limit: number }) => {
        rec('nextTrials', a);
        const numbers = [...this.status].filter(([n, s]) => s === 'PENDING' && n > a.after).map(([n]) => n).slice(0, a.limit);
        return { numbers, exhausted: numbers.length < a.limit, searchLog: false };
      },
      startTrials: async (a: { numbers: number[] }): Promise<StartedTrial[]> => {
        rec('startTrials', a);
        return a.numbers.map((number) => {
          const plan = planOf(number);
          if (plan.run && this.o.stored?.(number)) {
            this.status.set(number, 'COMPLETED');
            return { number, settled: 'REUSED' };
          }
          return plan.run ? { number, plan } : { number, settled: 'SKIPPED' };
        });
      },
      startTrial: async (a: { number: number; dryRun?: boolean }): Promise<TrialPlan> => (rec('startTrial', a), planOf(a.number)),
      pruneStage: async (a: { key: string }) => {
        rec('pruneStage', a);
        stage(a.key).status = 'running';
        return { done: false };
      },
      retrainStage: async (a: { key: string; until: number; trialId: string }) => {
        rec('retrainStage', a);
        const n = this.numberOf(a.trialId);
        const s = stage(a.key);
        s.status = 'running';
        while (this.o.hold && !this.released.has(n)) {
          heartbeat();
          await sleep(100); // throws when the activity is cancelled
        }
        s.epochsDone = Math.max(s.epochsDone, a.until);
        s.status = s.epochsDone >= epochs ? 'completed' : 'partial';
        return { epochsDone: s.epochsDone, done: s.status === 'completed' };
      },
      compressStage: async (a: { key: string }) => (rec('compressStage', a), void (stage(a.key).status = 'completed')),
      simulateStages: async (a: { sims: { key: string }[] }) => {
        rec('simulateStages', a);
        for (const x of a.sims) stage(x.key).status = 'completed';
        return { simulated: a.sims.length };
      },
      awaitStages: async (a: { keys: string[]; until?: number }) => {
        rec('awaitStages', a);
        for (;;) {
          const ss = a.keys.map(stage);
          if (ss.every((s) => s.status === 'completed' || (a.until !== undefined && s.epochsDone >= a.until))) return { done: true };
          if (!ss.some((s) => s.status === 'running')) return { done: false };
          heartbeat();
          await sleep(50);
        }
      },
      estimateEpochMs: async (a: unknown) => (rec('estimateEpochMs', a), null), // no epoch measured: the timeout's floor
      failStages: async (a: { keys: string[]; status: string }) => {
        rec('failStages', a);
        for (const k of a.keys) if (stage(k).status !== 'completed') stage(k).status = a.status;
      },
      adoptStages: async (a: unknown) => void rec('adoptStages', a),
      reportRung: async (a: { trialId: string; step: number }) => {
        rec('reportRung', a);
        const stop = this.o.stopAt?.(this.numberOf(a.trialId), a.step) ?? false;
        return { stop, rungs: [this.o.rungs?.indexOf(a.step) ?? 0], value: 0.5 };
      },
      finishTrial: async (a: { trialId: string; status: string }) => {
        rec('finishTrial', a);
        const n = this.numberOf(a.trialId);
        if (this.status.get(n) === 'RUNNING') this.status.set(n, a.status);
      },
      cancelPendingTrials: async (a: unknown) => {
        rec('cancelPendingTrials', a);
        let k = 0;
        for (const [n, s] of this.status) {
          if (s !== 'PENDING' && s !== 'RUNNING') continue;
          this.status.set(n, 'CANCELLED');
          k++;
        }
        return k;
      },
      finishSweep: async (a: unknown) => (rec('finishSweep', a), counts()),
    };
    return acts as unknown as Record<string, (input: never) => Promise<unknown>>;
  }
}

/** A Temporal client and workers for every queue, running the real workflows with `fake`'s activities. */
export async function fakeWorkers(fake: FakeSweep): Promise<{ client: Client; close(): Promise<void> }> {
  installRuntime('ERROR');
  const settings = testSettings();
  const connection = await Connection.connect(temporalConnectionOptions(settings));
  const client = new Client({ connection, namespace: settings.temporalNamespace });
  const native = await NativeConnection.connect(temporalConnectionOptions(settings));
  const bundle = await workflowBundle();
  const activities = fake.activities();
  const workers = await Promise.all(
    Object.values(TaskQueues).map((taskQueue) =>
      Worker.create({
        connection: native,
        namespace: settings.temporalNamespace,
        taskQueue,
        activities,
        ...(taskQueue === TaskQueues.orchestration ? { workflowBundle: bundle } : {}),
        maxConcurrentActivityTaskExecutions: 100,
        maxHeartbeatThrottleInterval: '200 milliseconds',
        defaultHeartbeatThrottleInterval: '200 milliseconds',
      }),
    ),
  );
  const running = workers.map((w) => w.run());
  return {
    client,
    async close() {
      for (const w of workers) w.shutdown();
      await Promise.all(running);
      await native.close();
      await connection.close();
    },
  };
}
