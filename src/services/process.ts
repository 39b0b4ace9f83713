import { createServer } from 'node:net';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { HwsweepError } from '../errors.js';
import { isAlive } from '../shared/pid.js';

/** Resolves true when nothing listens on 127.0.0.1:port. */
export async function portIsFree(port: number): Promise<boolean> {
  return await new Promise((resolvePromise) => {
    const srv = createServer();
    srv.once('error', () => resolvePromise(false));
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => resolvePromise(true)));
  });
}

export async function assertPortFree(port: number, service: string, envVar: string): Promise<void> {
  if (!(await portIsFree(port))) {
    throw new HwsweepError('PORT_IN_USE', `${service} cannot start: port ${port} on 127.0.0.1 is already in use`, {
      context: { service, port },
      hint: `stop whatever listens there (\`ss -ltnp 'sport = :${port}'\`) or choose another port with ${envVar}=<port>`,
    });
  }
}

export { isAlive };

/** Polls `check` until it returns true or `timeoutMs` passes; `onWait` may throw to abort early. */
export async function waitFor(
  check: () => Promise<boolean>,
  opts: { timeoutMs: number; intervalMs?: number; onWait?: () => void },
): Promise<boolean> {
  const deadline = Date.now() + opts.timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    opts.onWait?.();
    await sleep(opts.intervalMs ?? 200);
  }
  return await check();
}

/** SIGTERM to a process group, then SIGKILL if it does not exit in `graceMs`. */
export async function terminate(pid: number, graceMs = 10_000): Promise<void> {
  const signal = (sig: NodeJS.Signals): void => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        /* already gone */
      }
    }
  };
  if (!isAlive(pid)) return;
  signal('SIGTERM');
  if (await waitFor(async () => !isAlive(pid), { timeoutMs: graceMs })) return;
  signal('SIGKILL');
  await waitFor(async () => !isAlive(pid), { timeoutMs: 5_000 });
}

export async function tail(file: string, lines = 15): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

