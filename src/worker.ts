import { join } from 'node:path';
import { DefaultLogger, NativeConnection, Runtime, Worker, bundleWorkflowCode, type LogLevel, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { heartbeatWhileWaiting } from '../activities/heartbeat.js';
import { TaskQueues } from '../workflows/shared.js';
import { temporalConnectionOptions, type Settings } from './services/index.js';
import { PACKAGE_ROOT } from './shared/package-root.js';
import { startTrainChildren, type TrainProcessPlan } from './train-processes.js';
import type { Db } from './store/db.js';
import { createPrismaTrialStore } from './store/prisma-store.js';

/**
 * Worker composition root: wires workflows/ and activities/ to src/. A worker process serves one or more task
 * queues; `orchestration` runs workflows, `train` and `sim` run the heavy activities.
 */

export { TaskQueues };
export type QueueName = keyof typeof TaskQueues;

/** What a worker needs to build its activities: the database their TrialStore runs on. */
export interface WorkerDeps {
  db: Db;
}

// The workflow sources, also from the compiled CLI (dist/): the bundler compiles them itself.
export const WORKFLOWS_PATH = join(PACKAGE_ROOT, 'workflows', 'index.ts');

let runtimeInstalled = false;
/** CLI processes log Temporal's worker messages from WARN up (INFO lines drown the progress bar). Once per process. */
export function installRuntime(level: LogLevel = (process.env['HWSWEEP_LOG_LEVEL'] as LogLevel | undefined) ?? 'WARN'): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger(level), shutdownSignals: ['SIGINT', 'SIGTERM'] });
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** Bundles the workflow code once per process (webpack takes seconds). */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } as never });
  return bundle;
}

export async function connectWorker(settings: Settings): Promise<NativeConnection> {
  return await NativeConnection.connect(temporalConnectionOptions(settings));
}

export async function createWorker(opts: {
  connection: NativeConnection;
  namespace: string;
  queue: QueueName;
  deps: WorkerDeps;
  concurrency?: number;
}): Promise<Worker> {
  const activities = createActivities({ store: createPrismaTrialStore(opts.deps.db, { onRetry: heartbeatWhileWaiting }) });
  const isOrchestration = opts.queue === 'orchestration';
  return await Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: TaskQueues[opts.queue],
    ...(isOrchestration ? { workflowBundle: await workflowBundle() } : {}),
    activities,
    maxConcurrentActivityTaskExecutions: opts.concurrency ?? (isOrchestration ? 50 : 1),
    // Heartbeats reach the server (and cancellations come back) within 2 s, not 80 % of the heartbeat timeout.
    maxHeartbeatThrottleInterval: '2 seconds',
    defaultHeartbeatThrottleInterval: '2 seconds',
  });
}

export interface WorkerPool {
  /** Resolves when every worker has stopped. */
  done: Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * Starts one worker per queue on a shared connection. Orchestration runs workflows and bookkeeping activities;
 * `train` runs tfjs work (`concurrency` activities at once, default 1: one model per core is the fastest on CPU);
 * `sim` runs simulations.
 */
export async function startWorkers(opts: {
  settings: Settings;
  deps: WorkerDeps;
  queues: QueueName[];
  concurrency?: number;
  /** With the train queue: run `count - 1` more training processes beside this one (src/train-processes.ts). */
  trainProcesses?: TrainProcessPlan;
}): Promise<WorkerPool> {
  const connection = await connectWorker(opts.settings);
  const plan = opts.trainProcesses;
  const children =
    plan && plan.count > 1 && opts.queues.includes('train')
      ? startTrainChildren({ settings: opts.settings, plan, sim: opts.queues.includes('sim') })
      : undefined;
  const workers = await Promise.all(
    opts.queues.map((queue) =>
      createWorker({
        connection,
        namespace: opts.settings.temporalNamespace,
        queue,
        deps: opts.deps,
        ...(queue === 'orchestration' ? {} : { concurrency: opts.concurrency ?? 1 }),
      }),
    ),
  );
  const done = Promise.all(workers.map((w) => w.run())).then(async () => {
    await connection.close();
  });
  return {
    done,
    async shutdown() {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await Promise.all([done, children?.stop()]);
    },
  };
}
