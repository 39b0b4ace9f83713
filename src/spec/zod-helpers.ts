/**
 * zod building blocks whose error messages follow the spec's `path: reason` style:
 * `1.3 is not in [0, 1)`, `"magnitud" is not one of … (did you mean "magnitude"?)`,
 * `unknown key (did you mean "ratios"?)`. Messages are produced here, in the schema, so that
 * the formatter only has to prefix the path.
 */
import { z } from 'zod';
import { parseDurationMs } from '../shared/duration.js';
import { suggest } from './suggest.js';

/** Marker that the formatter recognises on an `unrecognized_keys` issue (the message carries JSON). */
export const UNKNOWN_KEYS_MARK = '\u0000unknown-keys:';

/** Longest string value quoted in full in a message; longer ones are cut (the message says how long they were). */
const MAX_QUOTED = 60;

/**
 * Short description of a value for "got …" messages: numbers and short strings verbatim (JSON-quoted, so
 * control characters are escaped), long strings cut with their length, containers and binary data by kind.
 */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') {
    return v.length <= MAX_QUOTED
      ? JSON.stringify(v)
      : `${JSON.stringify(v.slice(0, MAX_QUOTED))}… (${v.length} characters)`;
  }
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : String(v);
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return 'a list';
  if (ArrayBuffer.isView(v)) return 'binary data';
  if (typeof v === 'object') return 'a mapping';
  return typeof v;
}

/** `expected <what>, got <value>`, or `required` for a missing value. */
export function typeError(what: string): (iss: { input?: unknown }) => string {
  return (iss) =>
    iss.input === undefined ? `required (${what})` : `expected ${what}, got ${describeValue(iss.input)}`;
}

/** Interval in math notation: `[0, 1)`, `(0, 8]`. */
export function interval(min: number, max: number, minOpen = false, maxOpen = false): string {
  return `${minOpen ? '(' : '['}${min}, ${max}${maxOpen ? ')' : ']'}`;
}

export interface NumOpts {
  min: number;
  max: number;
  minOpen?: boolean;
  maxOpen?: boolean;
  int?: boolean;
  /** Values allowed outside the interval (e.g. 32 for bit widths). */
  also?: readonly number[];
}

/** A finite number in an interval; messages `2.5 is not an integer`, `1.3 is not in [0, 1)`, `1 is not in [2, 16] or 32`. */
export function num(o: NumOpts) {
  const range = interval(o.min, o.max, o.minOpen, o.maxOpen) + (o.also?.length ? ` or ${o.also.join(', ')}` : '');
  return z.number({ error: typeError(o.int ? 'an integer' : 'a number') }).superRefine((v, ctx) => {
    if (o.also?.includes(v)) return;
    if (o.int === true && !Number.isInteger(v)) {
      ctx.addIssue({ code: 'custom', message: `${v} is not an integer` });
      return;
    }
    const lowOk = o.minOpen ? v > o.min : v >= o.min;
    const highOk = o.maxOpen ? v < o.max : v <= o.max;
    if (!lowOk || !highOk) ctx.addIssue({ code: 'custom', message: `${v} is not in ${range}` });
  });
}

/** A seed: an integer in `[0, 2^32 - 1]`, what `Rng` takes. */
export const uint32 = () => num({ min: 0, max: 2 ** 32 - 1, int: true });

/** One of `values`; message `"x" is not one of a, b, c (did you mean "b"?)`. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  const list = values.join(', ');
  return z.enum(values, {
    error: (iss) => {
      const input: unknown = iss.input;
      if (input === undefined) return `required (one of ${list})`;
      if (typeof input !== 'string') return `expected one of ${list}, got ${describeValue(input)}`;
      const s = suggest(input, values);
      return `${describeValue(input)} is not one of ${list}${s === undefined ? '' : ` (did you mean "${s}"?)`}`;
    },
  });
}

/** A string; `nonEmpty` rejects "" with `must not be empty`. */
export function str(nonEmpty = false) {
  const s = z.string({ error: typeError('a string') });
  return nonEmpty ? s.min(1, { error: 'must not be empty' }) : s;
}

/**
 * An object that rejects unknown keys. Each unknown key is later reported at its own path with a
 * "did you mean" suggestion drawn from this object's keys.
 */
export function strictObj<T extends z.ZodRawShape>(shape: T, hidden: readonly string[] = []) {
  const known = Object.keys(shape).filter((k) => !hidden.includes(k)); // hidden: tags the schema adds itself
  return z.strictObject(shape, {
    error: (iss) => {
      if (iss.code === 'unrecognized_keys') {
        const keys = (iss as { keys: string[] }).keys;
        return UNKNOWN_KEYS_MARK + JSON.stringify({ keys, known });
      }
      return typeError('a mapping')(iss);
    },
  });
}

/**
 * A non-empty list of `elem` without repeated values; a single value is accepted as a one-element
 * list (`ratios: 0.5` = `ratios: [0.5]`). Repeats are reported at the later index.
 */
export function listOf<T extends z.ZodType>(elem: T, what: string) {
  const arr = z
    .array(elem, { error: typeError(`${what} or a list of them`) })
    .min(1, { error: 'must not be empty' })
    .superRefine((xs, ctx) => {
      const seen = new Map<string, number>();
      xs.forEach((x, i) => {
        const k = JSON.stringify(x);
        const first = seen.get(k);
        if (first !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [i],
            message: `${describeValue(x)} is listed twice (also at [${first}])`,
          });
        } else {
          seen.set(k, i);
        }
      });
    });
  return z.preprocess((v) => (v === undefined || v === null || Array.isArray(v) ? v : [v]), arr);
}

/**
 * Milliseconds from a number (ms) or a string like `500ms`, `1.5s`, `2m`, `1h`, `1d`. A fraction of a millisecond
 * is refused, not rounded.
 */
export function duration(minMs: number, maxMs: number) {
  return z.unknown().transform((v, ctx): number => {
    const parsed =
      typeof v === 'string' ? parseDurationMs(v) : typeof v === 'number' && Number.isFinite(v) ? { ms: v } : undefined;
    if (parsed === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a duration like "500ms", "1s", "2m" or a number of milliseconds, got ${describeValue(v)}`,
      });
      return z.NEVER;
    }
    const shown = typeof v === 'string' ? JSON.stringify(v) : String(v);
    if (!('ms' in parsed) || !Number.isInteger(parsed.ms)) {
      ctx.addIssue({ code: 'custom', message: `${shown} is not a whole number of milliseconds` });
      return z.NEVER;
    }
    const { ms } = parsed;
    if (ms < minMs || ms > maxMs) {
      ctx.addIssue({
        code: 'custom',
        message: `${typeof v === 'string' ? `${shown} (${ms} ms)` : shown} is not in ${interval(minMs, maxMs)} ms`,
      });
      return z.NEVER;
    }
    return ms;
  });
}
