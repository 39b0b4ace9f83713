import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { temporalConnectionOptions, type Settings } from '../../src/services/index.js';
import { parseSpecObject, type SweepSpec } from '../../src/spec/index.js';
import { createDb, type Db } from '../../src/store/db.js';
import { startWorkers, type QueueName, type WorkerPool } from '../../src/worker.js';
import { launchSweep, type LaunchOptions } from '../../src/cli/sweeps.js';
import { sweepWorkflowId, type CliContext } from '../../src/cli/context.js';
import type { SweepResult } from '../../workflows/sweep.js';
import { testSettings } from './services.js';

/** A small, fast sweep on the seeded synthetic dataset; override any field. */
export function tinySpec(overrides: Record<string, unknown> = {}): SweepSpec {
  return parseSpecObject({
    name: 'tiny',
    maxParallel: 2,
    retry: { maxAttempts: 3, initialInterval: '200ms', backoff: 1 },
    models: ['lenet5'],
    datasets: ['synthetic'],
    pruning: { methods: ['magnitude', 'group-balanced'], ratios: [0.5], groupSizes: [4], narrowConvs: 'flat' },
    quantization: { weightBits: [8], activationBits: [8], threshold: 'max', calibrationSize: 64 },
    retraining: { epochs: 1, optimizer: 'sgd', lrRule: 'A' },
    baseline: { epochs: 2, optimizer: 'sgd', lr: 0.05, schedule: { type: 'step', milestones: [1], gamma: 0.1 }, batchSize: 64 },
    accelerators: ['kang-cx', 'zhu-array'],
    seeds: [0],
    ...overrides,
  });
}

/** Everything a sweep test needs: the test services, a DB client, a Temporal client, in-process workers. */
export class SweepHarness {
  readonly settings: Settings = testSettings();
  readonly db: Db = createDb(this.settings.databaseUrl);
  connection!: Connection;
  client!: Client;
  workers: WorkerPool | undefined;

  async open(queues: QueueName[] = ['orchestration', 'train', 'sim']): Promise<this> {
    this.connection = await Connection.connect(temporalConnectionOptions(this.settings));
    this.client = new Client({ connection: this.connection, namespace: this.settings.temporalNamespace });
    if (queues.length) await this.startWorkers(queues);
    return this;
  }

  async startWorkers(queues: QueueName[]): Promise<void> {
    this.workers = await startWorkers({ settings: this.settings, deps: { db: this.db }, queues });
  }

  get ctx(): CliContext {
    return { settings: this.settings, db: this.db, client: this.client, connection: this.connection, close: async () => {} };
  }

  /**
   * Launches a sweep. Tests share one database, so by default nothing is reused from another test's sweep
   * (`reuse: false`): a test that checks what was computed must see it computed.
   */
  async launch(spec: SweepSpec, opts: LaunchOptions = {}): Promise<{ sweepId: string; handle: WorkflowHandle }> {
    const l = await launchSweep(this.ctx, spec, { reuse: false, ...opts });
    return { sweepId: l.sweepId, handle: this.client.workflow.getHandle(sweepWorkflowId(l.sweepId)) };
  }

  async result(sweepId: string): Promise<SweepResult> {
    return (await this.client.workflow.getHandle(sweepWorkflowId(sweepId)).result()) as SweepResult;
  }

  /** The key of the stage of `kind` a trial used (its epochs and artefacts are owned by that key). */
  async stageKey(trialId: string, kind: 'retrained' | 'compressed' | 'simulation'): Promise<string> {
    return (await this.db.trialStage.findFirstOrThrow({ where: { trialId, kind } })).stageKey;
  }

  /** Polls `f` every 200 ms until it returns a truthy value (or throws after `timeoutMs`). */
  async until<T>(f: () => Promise<T | undefined | null | false>, timeoutMs = 120_000, what = 'condition'): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = await f();
      if (v) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async close(): Promise<void> {
    await this.workers?.shutdown();
    await this.connection?.close();
    await this.db.$disconnect();
  }
}
