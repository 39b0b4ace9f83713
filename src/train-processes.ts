/**
 * One training process per core (or per GPU). tfjs trains one model per process on one thread (wasm), and native
 * TensorFlow gains little from more intra-op threads on these small models, so `hwsweep worker` and `demo` run
 * extra child processes that each poll the train queue with concurrency 1, next to the parent's own train worker.
 *
 * ```ts
 * const plan = planTrainProcesses({ requested: undefined, backend: 'auto' }); // { count: 2, ... } on 2 cores
 * applyToThisProcess(plan);                                 // the parent is process 0
 * const children = startTrainChildren({ settings, plan });  // processes 1..count-1
 * await children.stop();
 * ```
 *
 * Children inherit the environment plus the service addresses, and exit at once when the parent dies (their IPC
 * channel closes): `kill -9` of a worker takes its children with it, as one process would go.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { findNativeBuild } from './nn/backend/native-cache.js';
import type { Settings } from './services/index.js';
import { PACKAGE_ROOT } from './shared/package-root.js';

/** Marks a child process started here (the worker command skips migrations and its banner there). */
export const TRAIN_CHILD_ENV = 'HWSWEEP_TRAIN_CHILD';

export interface TrainProcessPlan {
  /** Training processes in all, the parent included. */
  count: number;
  /** Environment of process i (intra-op threads, the GPU it sees); i = 0 is the parent. */
  env: Record<string, string>[];
  /** One line saying what was planned and why. */
  reason: string;
}

/**
 * How many training processes to run, and each one's environment.
 * - GPU (backend `tensorflow-gpu`, or `auto` with a GPU build or @tensorflow/tfjs-node-gpu, and `nvidia-smi`
 *   listing GPUs): one process per GPU, each seeing one (`CUDA_VISIBLE_DEVICES`).
 * - Otherwise one per core, each with `cores / count` TensorFlow intra-op threads (at least 1), so native
 *   TensorFlow processes do not oversubscribe the cores. Variables the user set are kept.
 * @param requested `--train-processes`; undefined picks the default above.
 */
export function planTrainProcesses(opts: {
  requested: number | undefined;
  backend: string;
  env?: NodeJS.ProcessEnv;
  cores?: number;
  gpus?: string[];
}): TrainProcessPlan {
  const env = opts.env ?? process.env;
  const cores = opts.cores ?? availableParallelism();
  const gpus = opts.gpus ?? (gpuBackendWanted(opts.backend) ? visibleGpus(env) : []);
  const onGpus = gpus.length > 0 && opts.backend !== 'wasm' && opts.backend !== 'cpu' && opts.backend !== 'tensorflow';
  const count = opts.requested ?? (onGpus ? gpus.length : cores);
  const threads = String(Math.max(1, Math.floor(cores / count)));
  const perProcess = Array.from({ length: count }, (_, i) => {
    const e: Record<string, string> = {};
    if (env['TF_NUM_INTRAOP_THREADS'] === undefined) e['TF_NUM_INTRAOP_THREADS'] = threads;
    if (env['TF_NUM_INTEROP_THREADS'] === undefined) e['TF_NUM_INTEROP_THREADS'] = '1';
    if (onGpus) e['CUDA_VISIBLE_DEVICES'] = gpus[i % gpus.length]!;
    return e;
  });
  const reason = onGpus
    ? `${count} training process${count === 1 ? '' : 'es'} on ${gpus.length} GPU${gpus.length === 1 ? '' : 's'} (${gpus.join(', ')})`
    : `${count} training process${count === 1 ? '' : 'es'} on ${cores} core${cores === 1 ? '' : 's'}${
        env['TF_NUM_INTRAOP_THREADS'] === undefined ? ` (${threads} TensorFlow thread${threads === '1' ? '' : 's'} each)` : ''
      }`;
  return { count, env: perProcess, reason };
}

/** True when the backend choice could train on a GPU here (so counting GPUs is worth a `nvidia-smi` call). */
function gpuBackendWanted(backend: string): boolean {
  if (backend === 'tensorflow-gpu') return true;
  if (backend !== 'auto') return false;
  if (findNativeBuild('gpu')) return true;
  try {
    import.meta.resolve('@tensorflow/tfjs-node-gpu');
    return true;
  } catch {
    return false;
  }
}

/** GPU ids training may use: `CUDA_VISIBLE_DEVICES` when set, else the indices `nvidia-smi -L` lists. */
function visibleGpus(env: NodeJS.ProcessEnv): string[] {
  const set = env['CUDA_VISIBLE_DEVICES'];
  if (set !== undefined) return set.split(',').map((s) => s.trim()).filter((s) => s !== '' && s !== '-1');
  const r = spawnSync('nvidia-smi', ['-L'], { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) return [];
  return r.stdout
    .split('\n')
    .map((l) => /^GPU (\d+):/.exec(l)?.[1])
    .filter((id): id is string => id !== undefined);
}

/** Sets process 0's environment on this (the parent) process; call it before anything loads TensorFlow. */
export function applyToThisProcess(plan: TrainProcessPlan): void {
  Object.assign(process.env, plan.env[0] ?? {});
}

export interface TrainChildren {
  /** SIGTERM to every child (each finishes like a Ctrl-C'd worker), then waits for all to exit. */
  stop(): Promise<void>;
}

/**
 * Starts processes 1..count-1 of `plan`: each runs `hwsweep worker --queues train[,sim] --train-processes 1` against
 * `settings`' PostgreSQL and Temporal. With `sim`, the children also take simulations (pure JavaScript, one event
 * loop each), so a worker serving every queue spreads them over the cores instead of running them all in the
 * process that also runs the workflows. A child that dies is restarted (after 1 s, doubling to 60 s while it keeps
 * dying within a minute), so the worker keeps its capacity.
 */
export function startTrainChildren(opts: {
  settings: Settings;
  plan: TrainProcessPlan;
  /** Children poll the sim queue too. @default false */
  sim?: boolean;
  log?: (line: string) => void;
}): TrainChildren {
  const log = opts.log ?? ((line: string): void => void process.stderr.write(`${line}\n`));
  const bin = join(PACKAGE_ROOT, 'bin', 'hwsweep.js');
  const queues = opts.sim ? 'train,sim' : 'train';
  const args = [bin, 'worker', '--queues', queues, '--train-processes', '1', '--concurrency', '1'];
  const children = new Map<number, ChildProcess>();
  const exited = new Map<number, Promise<void>>();
  let stopping = false;

  const launch = (i: number, delayMs: number): void => {
    const started = Date.now();
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: {
        ...process.env,
        ...opts.plan.env[i],
        DATABASE_URL: opts.settings.databaseUrl,
        TEMPORAL_ADDRESS: opts.settings.temporalAddress,
        TEMPORAL_NAMESPACE: opts.settings.temporalNamespace,
        [TRAIN_CHILD_ENV]: String(i),
      },
    });
    children.set(i, child);
    exited.set(
      i,
      new Promise((done) => {
        child.on('exit', (code, signal) => {
          children.delete(i);
          done();
          if (stopping) return;
          const next = Date.now() - started < 60_000 ? Math.min(60_000, Math.max(1_000, delayMs * 2)) : 1_000;
          log(`[hwsweep] training process ${i} exited (${signal ?? `code ${code}`}); restarting in ${next / 1000} s`);
          setTimeout(() => {
            if (!stopping) launch(i, next);
          }, next).unref();
        });
      }),
    );
  };
  for (let i = 1; i < opts.plan.count; i++) launch(i, 0);

  return {
    async stop() {
      stopping = true;
      for (const c of children.values()) c.kill('SIGTERM');
      const kill = setTimeout(() => {
        for (const c of children.values()) c.kill('SIGKILL');
      }, 60_000);
      kill.unref();
      await Promise.all(exited.values());
      clearTimeout(kill);
    },
  };
}

/**
 * In a child started by {@link startTrainChildren}: exit at once when the parent goes (its IPC channel closes),
 * like the in-process worker of a killed parent. No-op in any other process.
 */
export function exitWithParent(): void {
  if (process.env[TRAIN_CHILD_ENV] === undefined || !process.send) return;
  process.on('disconnect', () => process.exit(1));
}
