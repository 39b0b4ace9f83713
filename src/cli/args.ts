import { InvalidArgumentError } from 'commander';

/**
 * Parsers for numeric CLI arguments and options: a value that is not a number in range is refused before the
 * command runs (commander prints `error: … value 'abc' is invalid for argument 'n'. n must be …`, exit 2),
 * never turned into NaN or silently rounded.
 */

/** An integer in `[min, max]` written in plain decimal (`8`, not `8.5`, `1e3` or `0x8`). */
export function integerArg(name: string, min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const v = value.trim();
    const n = /^[+-]?\d+$/.test(v) ? Number(v) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
      throw new InvalidArgumentError(`${name} must be an integer ${range}, got "${value}".`);
    }
    return n;
  };
}

/** A duration in milliseconds (`90000`) or with a unit (`90s`, `2m`, `1h`, `7d`, `500ms`), in `[minMs, maxMs]`. */
export function durationArg(name: string, minMs: number, maxMs: number): (value: string) => number {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  return (value) => {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(value.trim());
    const ms = m ? Number(m[1]) * (units[m[2] ?? 'ms'] ?? Number.NaN) : Number.NaN;
    if (!Number.isFinite(ms) || !Number.isInteger(ms) || ms < minMs || ms > maxMs) {
      throw new InvalidArgumentError(`${name} must be a whole number of milliseconds in [${minMs}, ${maxMs}] (e.g. 90000 or 90s), got "${value}".`);
    }
    return ms;
  };
}
