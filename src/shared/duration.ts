/** Milliseconds per duration unit, for the CLI's flags and the spec's retry intervals. */
const DURATION_UNITS_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/**
 * Milliseconds of a duration written as a decimal with an optional unit (`90000`, `1.5s`, `2m`, `1h`, `7d`,
 * `500ms`; no unit = milliseconds). Computed exactly from the digits (`1.001s` is 1001 ms, not
 * 1000.9999999999999), so the caller can refuse a fraction of a millisecond instead of rounding it.
 * Returns `undefined` for text that is not a duration, `{ fraction: true }` when it is not a whole number of ms.
 */
export function parseDurationMs(text: string): { ms: number } | { fraction: true } | undefined {
  const m = /^\s*(\d+)(?:\.(\d+))?\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!m?.[1]) return undefined;
  const unit = DURATION_UNITS_MS[m[3] ?? 'ms'] ?? 1;
  const fraction = (m[2] ?? '').replace(/0+$/, '');
  const scale = 10n ** BigInt(fraction.length);
  const scaled = BigInt(m[1] + fraction) * BigInt(unit); // the duration in ms × scale, exactly
  if (scaled % scale !== 0n) return { fraction: true };
  const ms = Number(scaled / scale);
  return Number.isSafeInteger(ms) ? { ms } : undefined;
}
