import { spawn } from 'node:child_process';

/** What a run of the real `hwsweep` process printed, and how it exited. */
export interface CliRun {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  /** A slow pipe reader: pause this many ms after every chunk read from stdout. */
  slowMs?: number;
  /** Read nothing from stdout for the first `stallMs` ms (the pipe fills up and the child must wait). */
  stallMs?: number;
  /** Close our end of stdout once this many bytes arrived (like `| head -c N`). */
  closeAfterBytes?: number;
  timeoutMs?: number;
}

/**
 * Spawns the real CLI (`node --import tsx src/cli/main.ts … | cat`) with its stdout on a real pipe, as a shell
 * pipeline would. Resolves when the process exits (it is killed after `timeoutMs`, and that is reported as signal SIGKILL).
 */
export function runCli(args: string[], opts: CliOptions = {}): Promise<CliRun> {
  // Through `| cat`: a real pipe (64 KiB buffer), as in a shell. Node's own 'pipe' stdio is a socketpair with far
  // larger buffers, which hides what a pipe does to a writer. bash exits with the CLI's own exit code.
  const script = `"$0" --import tsx src/cli/main.ts "$@" | cat; exit "\${PIPESTATUS[0]}"`;
  const child = spawn('bash', ['-c', script, process.execPath, ...args], {
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  let outBytes = 0;
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const drained = new Promise<void>((resolve) => {
    const stream = child.stdout;
    stream.on('data', (chunk: Buffer) => {
      out.push(chunk);
      outBytes += chunk.length;
      if (opts.closeAfterBytes !== undefined && outBytes >= opts.closeAfterBytes) {
        stream.destroy();
        resolve();
      } else if (opts.slowMs) {
        // Slow reader: after each chunk (at most one pipe buffer), stop reading for a while; the child's writes
        // meanwhile fill the pipe and must wait for it to drain.
        stream.pause();
        setTimeout(() => stream.resume(), opts.slowMs);
      }
    });
    stream.on('end', resolve);
    stream.on('close', resolve);
    if (opts.stallMs) {
      stream.pause();
      setTimeout(() => stream.resume(), opts.stallMs);
    }
  });
  return Promise.all([exited, drained]).then(([{ code, signal }]) => {
    clearTimeout(killer);
    return { stdout: Buffer.concat(out).toString('utf8'), stderr: err, code, signal };
  });
}
