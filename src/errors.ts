/**
 * One error class for the whole product: a closed set of codes, context kept as fields.
 * Activities map it to an ApplicationFailure (type = code); the CLI prints message + context + hint.
 *
 * This module imports nothing, so the workflow bundle may import it too: {@link RETRYABLE} is the one table that
 * says which codes a retry can fix, read by both the activities' failures (`activities/failure.ts`) and the
 * workflows' retry policies (`workflows/shared.ts` `retryPolicy`).
 */

/**
 * Every error code, and whether retrying the failed operation can succeed. A code is retryable when the cause
 * is outside the request (a service down, a database restarting); it is not when the same input would fail
 * again (bad arguments, shapes, a missing model, a finished trial).
 */
export const RETRYABLE = {
  INVALID_ARGUMENT: false, // a library function got a bad parameter (names param, value and allowed range)
  INVALID_SPEC: false, // a sweep spec failed validation
  SHAPE_MISMATCH: false,
  MODEL_NOT_FOUND: false, // a baseline failed or its weights are gone: retrying the trial's step cannot bring them back
  DATASET_INVALID: false,
  SIM_CONFIG_INVALID: false,
  TOPOLOGY_INVALID: false,
  SERVICE_UNAVAILABLE: true, // PostgreSQL or Temporal unreachable: it may come back
  STORE_UNAVAILABLE: true, // the database stayed unreachable for the store's whole retry budget
  PORT_IN_USE: false, // another process holds the port: a configuration problem, not a transient one
  TOOL_MISSING: false,
  TRIAL_FINISHED: false,
  ARTIFACT_INVALID: false, // stored bytes fail validation (checksum, non-finite values, shapes)
  TRAINING_DIVERGED: false, // the loss or the weights became non-finite: the same recipe diverges again
  SWEEP_STATE: false, // the sweep is in a state that refuses the command (e.g. pausing a finished sweep)
  STAGE_FAILED: false, // a shared stage (retrained / compressed model, simulation) failed for the trial that computed it
  CANCELLED: false,
} as const satisfies Record<string, boolean>;

export type ErrorCode = keyof typeof RETRYABLE;
export const ErrorCodes = Object.keys(RETRYABLE) as ErrorCode[];

/** Whether retrying can fix an error of this type (unknown types, e.g. a driver's own errors, are retryable). */
export function isRetryable(type: string): boolean {
  return (RETRYABLE as Record<string, boolean>)[type] ?? true;
}

/** The codes retrying cannot fix: Temporal retry policies list them as `nonRetryableErrorTypes`. */
export const NON_RETRYABLE_CODES: readonly ErrorCode[] = ErrorCodes.filter((c) => !RETRYABLE[c]);

export type ErrorContext = Readonly<Record<string, string | number | boolean>>;

export class HwsweepError extends Error {
  override readonly name = 'HwsweepError';
  readonly code: ErrorCode;
  readonly context: ErrorContext;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, opts: { context?: ErrorContext; hint?: string; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.code = code;
    this.context = opts.context ?? {};
    this.hint = opts.hint;
  }

  /** From the {@link RETRYABLE} table: an error's retryability belongs to its code, not to each throw site. */
  get retryable(): boolean {
    return RETRYABLE[this.code];
  }
}

/** Throws INVALID_ARGUMENT naming the parameter, its value and the allowed range when `ok` is false. */
export function checkArg(ok: boolean, where: string, param: string, value: unknown, allowed: string): asserts ok {
  if (!ok) {
    throw new HwsweepError('INVALID_ARGUMENT', `${where}: ${param} = ${String(value)} is not ${allowed}`, {
      context: { param, value: String(value), allowed },
    });
  }
}

/** {@link checkArg} for a value from a fixed list; the message lists the list (`is not one of 'a' | 'b'`). */
export function checkOneOf<const T extends readonly string[]>(
  where: string,
  param: string,
  value: unknown,
  allowed: T,
): asserts value is T[number] {
  checkArg(
    (allowed as readonly unknown[]).includes(value),
    where,
    param,
    value,
    `one of ${allowed.map((v) => `'${v}'`).join(' | ')}`,
  );
}
