/**
 * One error class for the whole product: a closed set of codes, context kept as fields.
 * Activities map it to an ApplicationFailure (type = code); the CLI prints message + context + hint.
 */
export const ErrorCodes = [
  'INVALID_ARGUMENT', // a library function got a bad parameter (names param, value and allowed range)
  'INVALID_SPEC', // a sweep spec failed validation
  'SHAPE_MISMATCH',
  'MODEL_NOT_FOUND',
  'DATASET_INVALID',
  'SIM_CONFIG_INVALID',
  'TOPOLOGY_INVALID',
  'SERVICE_UNAVAILABLE',
  'PORT_IN_USE',
  'TOOL_MISSING',
  'TRIAL_FINISHED',
  'CANCELLED',
] as const;
export type ErrorCode = (typeof ErrorCodes)[number];

export type ErrorContext = Readonly<Record<string, string | number | boolean>>;

export class HwsweepError extends Error {
  override readonly name = 'HwsweepError';
  readonly code: ErrorCode;
  readonly context: ErrorContext;
  readonly retryable: boolean;
  readonly hint: string | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { context?: ErrorContext; retryable?: boolean; hint?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: opts.cause });
    this.code = code;
    this.context = opts.context ?? {};
    this.retryable = opts.retryable ?? false;
    this.hint = opts.hint;
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
