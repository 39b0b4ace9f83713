import { afterEach, describe, expect, it, vi } from 'vitest';
import { durationArg, integerArg, numberArg } from '../../../src/cli/args.js';
import { main } from '../../../src/cli/main.js';

describe('numeric CLI arguments are validated before anything runs', () => {
  afterEach(() => {
    process.exitCode = undefined;
    vi.restoreAllMocks();
  });

  it('integerArg accepts plain integers in range and refuses everything else with a message naming the argument', () => {
    const n = integerArg('n', 1, 1000);
    expect([n('8'), n(' 1000 '), n('+7'), n('1')]).toEqual([8, 1000, 7, 1]);
    for (const bad of ['abc', '', '8.5', '1e3', '0x8', '0', '1001', '-3', 'NaN', 'Infinity', '99999999999999999999', '1_000']) {
      expect(() => n(bad), bad).toThrow(/^n = .* is not an integer in \[1, 1000\]$/);
    }
    expect(() => integerArg('--limit', 0)('-1')).toThrow(/^--limit = -1 is not an integer >= 0$/);
    expect(integerArg('--limit', 0)('0')).toBe(0);
    expect(integerArg('--limit', 0)(String(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('the value is shown as typed: bare when it reads as a number, quoted otherwise', () => {
    const n = integerArg('--port', 0, 65_535);
    expect(() => n('70000')).toThrow('--port = 70000 is not an integer in [0, 65535]');
    expect(() => n('8.5')).toThrow('--port = 8.5 is not');
    expect(() => n('')).toThrow('--port = "" is not');
    expect(() => n('80 80')).toThrow('--port = "80 80" is not');
    expect(() => n('0x50')).toThrow('--port = "0x50" is not');
  });

  it('numberArg takes decimals and exponents in range and refuses hex, Infinity, blanks and out-of-range values', () => {
    const d = numberArg('--activation-density', 0, 1);
    expect([d('0'), d('1'), d('0.25'), d('.5'), d('2.5e-1'), d(' 0.75 '), d('1E-3')]).toEqual([0, 1, 0.25, 0.5, 0.25, 0.75, 0.001]);
    for (const bad of ['', ' ', 'abc', '1.5', '-0.1', '0x1', 'Infinity', 'NaN', '1e400', '.', '1..2']) {
      expect(() => d(bad), bad).toThrow(/^--activation-density = .* is not a number in \[0, 1\]$/);
    }
    expect(() => numberArg('--lr', 0)('-1')).toThrow(/^--lr = -1 is not a number >= 0$/);
    expect(numberArg('--lr', 0)('1e6')).toBe(1e6);
  });

  it('durationArg takes milliseconds or a unit and refuses fractions of a millisecond and out-of-range values', () => {
    const d = durationArg('--heartbeat-timeout', 1000, 86_400_000);
    expect([d('90000'), d('90s'), d('2m'), d('1h'), d('1500ms'), d('1.5s'), d('1d')]).toEqual([
      90_000, 90_000, 120_000, 3_600_000, 1500, 1500, 86_400_000,
    ]);
    for (const bad of ['abc', '10', '0.5ms', '2d', '25h', '-5s', '', '5 min']) {
      expect(() => d(bad), bad).toThrow(/^--heartbeat-timeout = .* is not a whole number of milliseconds in \[1000, 86400000\]/);
    }
  });

  // Every command's numeric options go through src/cli/args.ts: a bad value exits 2 with one line naming it.
  it.each([
    [['parallelism', 'some-sweep', 'abc'], /argument 'n'.*n = "abc" is not an integer in \[1, 1000\]/],
    [['parallelism', 'some-sweep', '0'], /n = 0 is not an integer in \[1, 1000\]/],
    [['launch', 'examples/demo.yaml', '--heartbeat-timeout', 'soon'], /--heartbeat-timeout = "soon" is not a whole number of milliseconds/],
    [['gc', '--older-than', '3 weeks'], /--older-than = "3 weeks" is not a whole number of milliseconds/],
    [['worker', '--concurrency', '0'], /--concurrency = 0 is not an integer >= 1/],
    [['worker', '--train-processes', '1.5'], /--train-processes = 1.5 is not an integer >= 1/],
    [['demo', '--train-processes', 'all'], /--train-processes = "all" is not an integer >= 1/],
    [['plot', 'some-sweep', '--kind', 'pareto', '--out', 'x.svg', '--width', '50'], /--width = 50 is not an integer in \[100, 10000\]/],
    [['simulate', '--topology', 'x.csv', '--config', 'kang-cx', '--activation-density', '2'], /--activation-density = 2 is not a number in \[0, 1\]/],
    [['simulate', '--topology', 'x.csv', '--config', 'kang-cx', '--weight-bits', '4.5'], /--weight-bits = 4.5 is not an integer in \[2, 32\]/],
    [['sql', 'select 1', '--limit', '-1'], /--limit = -1 is not an integer >= 0/],
    [['sql', 'select 1', '--timeout', '1e3'], /--timeout = 1e3 is not an integer >= 1/],
    [['dashboard', '--port', '70000'], /--port = 70000 is not an integer in \[0, 65535\]/],
    [['reproduce', '--random-seed', 'x'], /--random-seed = "x" is not an integer >= 0/],
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
    expect(err.join('').split('\n')[0]).toMatch(/^error: .* is invalid( for argument '[^']+')?\. /); // commander's one line, the reason in it
    expect(err.join('')).not.toMatch(/\n\s+at /); // no stack trace
  });
});
