import { InvalidArgumentError } from 'commander';
import { parseDurationMs } from '../shared/duration.js';

/**
 * The one place where numeric CLI arguments and options are parsed (every command uses these; bench scripts too).
 * A value that is not a number in range is refused before the command runs: commander prints
 * `error: option '--width <px>' argument '5' is invalid. --width = 5 is not an integer in [100, 10000]` and exits 2.
 * Nothing becomes NaN, nothing is rounded or clamped.
 *
 * Messages follow the house form of the spec and hardware validators (`<name> = <value> is not …`): the value as
 * typed, bare when it reads as a number and quoted otherwise.
 */

/** A commander argument / option parser: the typed text in, the parsed value out, {@link InvalidArgumentError} on bad input. */
export type ArgParser<T> = (value: string) => T;

const DECIMAL_INTEGER = /^[+-]?\d+$/;
/** Plain decimal, optionally with an exponent: `0.5`, `.5`, `3`, `1e-3`; not `0x10`, `Infinity`, `1_000`. */
const DECIMAL_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

/** How a typed value appears in a message: bare when it reads as a number, quoted otherwise (`""`, `"abc"`, `"8 px"`). */
function shown(value: string): string {
  return DECIMAL_NUMBER.test(value) ? value : JSON.stringify(value);
}

function rangeText(min: number, max: number): string {
  return max === Number.MAX_SAFE_INTEGER || max === Number.POSITIVE_INFINITY ? `>= ${min}` : `in [${min}, ${max}]`;
}

/**
 * An integer in `[min, max]` written in plain decimal (`8`, not `8.5`, `1e3` or `0x8`); surrounding blanks are
 * ignored. With no `max`, any safe integer `>= min`.
 */
export function integerArg(name: string, min: number, max = Number.MAX_SAFE_INTEGER): ArgParser<number> {
  return (value) => {
    const v = value.trim();
    const n = DECIMAL_INTEGER.test(v) ? Number(v) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} = ${shown(value)} is not an integer ${rangeText(min, max)}`);
    }
    return n;
  };
}

/** A finite number in `[min, max]` in plain decimal or exponent form (`0.25`, `.5`, `2.5e-3`); not `0x10`, `Infinity`, ``. */
export function numberArg(name: string, min: number, max = Number.POSITIVE_INFINITY): ArgParser<number> {
  return (value) => {
    const v = value.trim();
    const x = DECIMAL_NUMBER.test(v) ? Number(v) : Number.NaN;
    if (!Number.isFinite(x) || x < min || x > max) {
      throw new InvalidArgumentError(`${name} = ${shown(value)} is not a number ${rangeText(min, max)}`);
    }
    return x;
  };
}

/**
 * A duration in milliseconds (`90000`) or with a unit (`90s`, `1.5s`, `2m`, `1h`, `7d`, `500ms`), in
 * `[minMs, maxMs]`; returns milliseconds. A fraction of a millisecond (`0.5ms`) is refused, not rounded.
 */
export function durationArg(name: string, minMs: number, maxMs: number): ArgParser<number> {
  return (value) => {
    const parsed = parseDurationMs(value);
    const ms = parsed && 'ms' in parsed ? parsed.ms : Number.NaN;
    if (!(ms >= minMs && ms <= maxMs)) {
      throw new InvalidArgumentError(
        `${name} = ${shown(value)} is not a whole number of milliseconds in [${minMs}, ${maxMs}] (e.g. 90000 or 90s)`,
      );
    }
    return ms;
  };
}
