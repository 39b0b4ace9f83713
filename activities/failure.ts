import { ApplicationFailure } from '@temporalio/activity';
import { HwsweepError } from '../src/errors.js';

/**
 * Class instances do not cross Temporal: map our errors to ApplicationFailure (type = code, context in details).
 * `nonRetryable` comes from the error's code through the one table in src/errors.ts (`RETRYABLE`), the same table
 * the workflows' retry policies list as `nonRetryableErrorTypes`.
 */
export function toFailure(err: unknown): unknown {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof HwsweepError) {
    return ApplicationFailure.create({
      type: err.code,
      message: err.message,
      nonRetryable: !err.retryable,
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
