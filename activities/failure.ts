import { ApplicationFailure } from '@temporalio/activity';
import { HwsweepError } from '../src/errors.js';
import { NON_RETRYABLE } from '../workflows/shared.js'; // one list for the retry policies and the failures

/** Class instances do not cross Temporal: map our errors to ApplicationFailure (type = code, context in details). */
export function toFailure(err: unknown): unknown {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof HwsweepError) {
    return ApplicationFailure.create({
      type: err.code,
      message: err.message,
      nonRetryable: !err.retryable && NON_RETRYABLE.includes(err.code),
      details: [err.context],
      cause: err,
    });
  }
  return err; // the SDK turns it into a retryable ApplicationFailure with type = class name
}

/** Wraps every function of an activity object so that thrown errors become proper failures. */
export function withFailures<T extends Record<string, (...args: never[]) => Promise<unknown>>>(acts: T): T {
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(acts)) {
    out[name] = async (...args: never[]) => {
      try {
        return await fn(...args);
      } catch (err) {
        throw toFailure(err);
      }
    };
  }
  return out as T;
}
