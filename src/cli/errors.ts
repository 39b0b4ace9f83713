import { ApplicationFailure, ServiceError, WorkflowFailedError } from '@temporalio/client';
import { HwsweepError } from '../errors.js';
import { EXIT_FAILURE, EXIT_USAGE } from './exit-codes.js';
import { redactSecrets } from '../services/redact.js';

export { EXIT_FAILURE, EXIT_USAGE };

/** Unwraps Temporal's failure chain down to the most specific cause. */
function innermost(err: unknown): unknown {
  let e = err;
  for (let i = 0; i < 10 && e instanceof Error && e.cause && (e instanceof WorkflowFailedError || !(e instanceof HwsweepError)); i++) {
    if (e instanceof ApplicationFailure) break;
    e = e.cause;
  }
  return e;
}

/**
 * Prints one clear line (`✖ message`), then `  → key: value` context lines and a hint; the stack only with --debug.
 * Passwords in URLs are masked in all of it.
 * Returns the exit code.
 */
export function reportError(err: unknown, debug: boolean, writeRaw: (s: string) => void = (s) => process.stderr.write(s)): number {
  const write = (s: string): void => writeRaw(redactSecrets(s)); // a message may quote a URL with its password
  const e = innermost(err);
  let message = e instanceof Error ? e.message : String(e);
  let context: Record<string, unknown> = {};
  let hint: string | undefined;
  let code = EXIT_FAILURE;
  if (e instanceof HwsweepError) {
    context = { ...e.context };
    hint = e.hint;
    if (e.code === 'INVALID_SPEC' || e.code === 'INVALID_ARGUMENT') code = EXIT_USAGE;
  } else if (e instanceof ApplicationFailure) {
    const d = e.details?.[0];
    if (d && typeof d === 'object') context = d as Record<string, unknown>;
  } else if (e instanceof ServiceError) {
    message = `Temporal: ${message}`;
    hint = 'is the Temporal server up? run `hwsweep up` (or check TEMPORAL_ADDRESS)';
  }
  write(`✖ ${message}\n`);
  for (const [k, v] of Object.entries(context)) write(`  → ${k}: ${String(v)}\n`);
  if (hint) write(`  hint: ${hint}\n`);
  if (debug && err instanceof Error && err.stack) write(`${err.stack}\n`);
  return code;
}
