import { describe, expect, it } from 'vitest';
import { HwsweepError } from '../../../src/errors.js';
import { intParam } from '../../../src/dashboard/server.js';

describe('integer query parameters of the dashboard API', () => {
  const params = new URLSearchParams('page=3&size=1e3&neg=-1&blank=&hex=0x10&big=10001');

  it('parse as the CLI does, with the default when absent or empty', () => {
    expect(intParam(params, 'page', 0, 0)).toBe(3);
    expect(intParam(params, 'missing', 50, 0)).toBe(50);
    expect(intParam(params, 'blank', 50, 0)).toBe(50);
  });

  it.each([
    ['size', 'size = 1e3 is not an integer in [0, 10000]'],
    ['neg', 'neg = -1 is not an integer in [0, 10000]'],
    ['hex', 'hex = "0x10" is not an integer in [0, 10000]'],
    ['big', 'big = 10001 is not an integer in [0, 10000]'],
  ])('%s is refused as INVALID_ARGUMENT (HTTP 400) naming the parameter', (name, message) => {
    let err: unknown;
    try {
      intParam(params, name, 0, 0, 10_000);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(HwsweepError);
    expect((err as HwsweepError).code).toBe('INVALID_ARGUMENT');
    expect((err as HwsweepError).message).toBe(message);
  });
});
