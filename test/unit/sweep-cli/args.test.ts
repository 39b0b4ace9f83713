import { afterEach, describe, expect, it, vi } from 'vitest';
import { durationArg, integerArg } from '../../../src/cli/args.js';
import { main } from '../../../src/cli/main.js';

describe('numeric CLI arguments are validated before anything runs', () => {
  afterEach(() => {
    process.exitCode = undefined;
  });

  it('integerArg accepts plain integers in range and refuses everything else with a message naming the argument', () => {
    const n = integerArg('n', 1, 1000);
    expect(n('8')).toBe(8);
    expect(n(' 1000 ')).toBe(1000);
    for (const bad of ['abc', '', '8.5', '1e3', '0x8', '0', '1001', '-3', 'NaN', 'Infinity', '99999999999999999999']) {
      expect(() => n(bad), bad).toThrow(/^n must be an integer in \[1, 1000\], got "/);
    }
  });

  it('durationArg takes milliseconds or a unit and refuses fractions of a millisecond and out-of-range values', () => {
    const d = durationArg('--heartbeat-timeout', 1000, 86_400_000);
    expect([d('90000'), d('90s'), d('2m'), d('1h'), d('1500ms'), d('1.5s')]).toEqual([90_000, 90_000, 120_000, 3_600_000, 1500, 1500]);
    for (const bad of ['abc', '10', '0.5ms', '2d', '25h', '-5s', '']) expect(() => d(bad), bad).toThrow(/^--heartbeat-timeout must be/);
  });

  it.each([
    [['parallelism', 'some-sweep', 'abc'], /argument 'n'.*n must be an integer in \[1, 1000\], got "abc"/],
    [['parallelism', 'some-sweep', '0'], /n must be an integer in \[1, 1000\], got "0"/],
    [['launch', 'examples/demo.yaml', '--heartbeat-timeout', 'soon'], /--heartbeat-timeout must be a whole number of milliseconds/],
  ])('hwsweep %j exits 2 with one line naming the argument, and starts nothing', async (args, message) => {
    const err: string[] = [];
    // Captured writes still call their callback: main() waits for stdout/stderr to flush before it returns.
    const capture = (into: string[]) => (s: string | Uint8Array, a?: unknown, b?: unknown) => {
      into.push(String(s));
      for (const cb of [a, b]) if (typeof cb === 'function') (cb as () => void)();
      return true;
    };
    vi.spyOn(process.stderr, 'write').mockImplementation(capture(err) as typeof process.stderr.write);
    vi.spyOn(process.stdout, 'write').mockImplementation(capture([]) as typeof process.stdout.write);
    expect(await main(['node', 'hwsweep', ...args])).toBe(2);
    expect(err.join('')).toMatch(message);
    expect(err.join('')).not.toMatch(/\n\s+at /); // no stack trace
  });
});
