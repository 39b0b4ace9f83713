import { describe, expect, it } from 'vitest';
import { parseDurationMs } from '../../../src/shared/duration.js';
import { parseSpec } from '../../../src/spec/index.js';

describe('parseDurationMs: exact milliseconds from a decimal and a unit (CLI flags and spec intervals)', () => {
  it('computes whole milliseconds exactly from the digits (no binary floating-point error)', () => {
    const cases: [string, number][] = [
      ['90000', 90_000],
      ['1.5s', 1500],
      ['1.001s', 1001], // 1.001 * 1000 = 1000.9999999999999 in floating point
      ['0.1s', 100],
      ['2m', 120_000],
      ['1h', 3_600_000],
      ['7d', 604_800_000],
      ['500ms', 500],
      [' 1.50 s ', 1500],
      ['2.000ms', 2],
      ['0.0001m', 6],
    ];
    for (const [text, ms] of cases) expect(parseDurationMs(text), text).toEqual({ ms });
  });

  it('says a fraction of a millisecond is one, and that other text is no duration', () => {
    for (const text of ['0.5ms', '1.0005s', '0.00001m'])
      expect(parseDurationMs(text), text).toEqual({ fraction: true });
    for (const text of ['', 'abc', '-5s', '5 min', '1e3', '.5s', '1.s', '99999999999999999999d']) {
      expect(parseDurationMs(text), text).toBeUndefined();
    }
  });

  it('the spec refuses a retry interval that is not a whole number of milliseconds instead of rounding it', () => {
    const spec = (interval: string) => `name: d\nmodels: [lenet5]\nretry: {initialInterval: ${interval}}\n`;
    expect(parseSpec(spec('1.001s')).retry.initialInterval).toBe(1001);
    expect(() => parseSpec(spec('1.0005s'))).toThrow(
      /retry\.initialInterval.*"1\.0005s" is not a whole number of milliseconds/,
    );
    expect(() => parseSpec(spec('1.5'))).toThrow(/retry\.initialInterval.*1\.5 is not a whole number of milliseconds/);
  });
});
