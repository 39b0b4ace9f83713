import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskQueues } from '../../src/worker.js';
import { SweepHarness } from '../helpers/sweep.js';
import { TEST_ENV } from '../helpers/services.js';

/** Parent pid of a live process (Linux /proc), or undefined once it is gone (a zombie counts as gone). */
function parentOf(pid: number): number | undefined {
  try {
    const [state, ppid] = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return state === 'Z' ? undefined : Number(ppid);
  } catch {
    return undefined;
  }
}

const alive = (pid: number): boolean => parentOf(pid) !== undefined;

describe('hwsweep worker --train-processes against real Temporal', () => {
  const h = new SweepHarness();
  let worker: ChildProcess | undefined;
  beforeAll(async () => {
    await h.open([]);
  });
  afterAll(async () => {
    worker?.kill('SIGKILL');
    await h.close();
  });

  /** Pids polling the train queue now (worker identities are `<pid>@<host>`). */
  async function trainPollerPids(): Promise<number[]> {
    const r = await h.client.workflowService.describeTaskQueue({
      namespace: h.settings.temporalNamespace,
      taskQueue: { name: TaskQueues.train },
      taskQueueType: 2, // activity
    });
    return (r.pollers ?? []).map((p) => Number((p.identity ?? '').split('@')[0])).filter((pid) => alive(pid));
  }

  it('runs a child training process beside its own, restarts a child that dies, and takes children down with it on kill -9', async () => {
    worker = spawn(process.execPath, ['bin/hwsweep.js', 'worker', '--queues', 'train', '--train-processes', '2', '--backend', 'wasm'], {
      env: { ...process.env, ...TEST_ENV, DATABASE_URL: h.settings.databaseUrl, HWSWEEP_LOG_LEVEL: 'ERROR' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    worker.stderr?.on('data', () => {}); // drain
    const parent = worker.pid!;
    const childPolling = async (): Promise<number> => {
      const pids = await trainPollerPids();
      expect(pids).toContain(parent);
      const child = pids.find((p) => parentOf(p) === parent);
      if (child === undefined) throw new Error('no child poller yet');
      return child;
    };
    const first = await h.until(() => childPolling().catch(() => undefined), 120_000, 'parent and child polling the train queue');

    process.kill(first, 'SIGKILL'); // a crashed child is replaced
    const second = await h.until(
      () => childPolling().then((c) => (c !== first ? c : undefined)).catch(() => undefined),
      120_000,
      'a restarted child polling',
    );
    expect(alive(first)).toBe(false);

    worker.kill('SIGKILL'); // its children leave with it: their IPC channel closes
    await h.until(async () => (alive(second) ? undefined : true), 15_000, 'the child exiting after its parent was killed');
  });
});
