import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities/index.js';
import { temporalConnectionOptions, type Settings } from './services/index.js';

/**
 * Worker composition root: wires workflows/ and activities/ to src/. A worker process serves one or more task
 * queues; `orchestration` runs workflows, `train` and `sim` run the heavy activities.
 */

export const TaskQueues = { orchestration: 'hwsweep', train: 'hwsweep-train', sim: 'hwsweep-sim' } as const;
export type QueueName = keyof typeof TaskQueues;

export const WORKFLOWS_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', 'workflows', 'index.ts');

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
  deps: ActivityDeps;
  concurrency?: number;
}): Promise<Worker> {
  const activities = createActivities(opts.deps);
  const isOrchestration = opts.queue === 'orchestration';
  return await Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: TaskQueues[opts.queue],
    ...(isOrchestration ? { workflowBundle: await workflowBundle() } : {}),
    activities,
    maxConcurrentActivityTaskExecutions: opts.concurrency ?? (isOrchestration ? 50 : 1),
  });
}
