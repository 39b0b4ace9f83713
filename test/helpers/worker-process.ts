import { spawn, type ChildProcess } from 'node:child_process';
import { TEST_ENV } from './services.js';
import type { SweepHarness } from './sweep.js';

/**
 * A `hwsweep worker` in its own process (one training process, no children), so that a test can kill -9 it the
 * way a machine dies. Its stderr is kept for the test's failure message.
 */
export function spawnWorker(h: SweepHarness, queues: string): ChildProcess & { log: string[] } {
  const child = spawn(process.execPath, ['bin/hwsweep.js', 'worker', '--queues', queues, '--train-processes', '1'], {
    env: { ...process.env, ...TEST_ENV, DATABASE_URL: h.settings.databaseUrl, HWSWEEP_LOG_LEVEL: 'ERROR' },
    stdio: ['ignore', 'ignore', 'pipe'],
  }) as ChildProcess & { log: string[] };
  child.log = [];
  child.stderr?.on('data', (d: Buffer) => child.log.push(d.toString()));
  return child;
}

/** SIGKILL (no cleanup, like a dead machine) and wait until the process is gone. */
export async function killed(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((r) => {
    child.once('exit', () => r());
    child.kill('SIGKILL');
  });
}
