import { once } from 'node:events';

/**
 * Standard output that loses nothing: writes wait for the pipe to drain (a slow reader slows us down instead of
 * filling memory), the entry point flushes stdout and stderr before it exits (a bare `process.exit` after writing
 * cut piped output at 64 KiB), and a reader that closes the pipe early (`| head`) stops the command quietly.
 * Imports nothing heavy: main.ts loads it for every command.
 */

/** Thrown by {@link writeOut} once the reader has closed stdout (EPIPE): the command stops, exit code 141. */
export class OutputClosedError extends Error {
  override readonly name = 'OutputClosedError';
  constructor() {
    super('standard output was closed by its reader');
  }
}

/** 128 + SIGPIPE, what a Unix tool killed by a closed pipe exits with. */
export const EXIT_OUTPUT_CLOSED = 141;

let closed = false;
let guarded = false;

/** Call at start-up (the CLI entry; idempotent): EPIPE on stdout becomes a quiet stop, not an uncaught error. */
export function guardStdout(): void {
  if (guarded) return;
  guarded = true;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') closed = true;
    else throw err;
  });
}

/** Writes to stdout, waiting for 'drain' when the pipe's buffer is full. Throws OutputClosedError after EPIPE. */
export async function writeOut(chunk: string): Promise<void> {
  if (closed) throw new OutputClosedError();
  if (process.stdout.write(chunk)) return;
  const stop = new AbortController(); // removes the losing listener: thousands of waits must not pile up listeners
  await Promise.race([once(process.stdout, 'drain', { signal: stop.signal }), once(process.stdout, 'close', { signal: stop.signal })]).catch(() => undefined);
  stop.abort();
  if (closed || process.stdout.destroyed) throw new OutputClosedError();
}

/** Resolves once everything written so far to stdout and stderr has been handed to the OS. */
export async function flushStdio(): Promise<void> {
  for (const stream of [process.stdout, process.stderr]) {
    if (stream.destroyed || (stream === process.stdout && closed)) continue;
    await new Promise<void>((resolve) => stream.write('', () => resolve()));
  }
}

/** A note for the person at the terminal, never mixed into machine output. */
export function note(message: string): void {
  process.stderr.write(`note: ${message}\n`);
}
