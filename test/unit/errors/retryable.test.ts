import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { toFailure } from '../../../activities/failure.js';
import { ErrorCodes, HwsweepError, NON_RETRYABLE_CODES, RETRYABLE, isRetryable } from '../../../src/errors.js';
import { retryPolicy } from '../../../workflows/shared.js';

const policy = retryPolicy({ maxAttempts: 3, initialIntervalMs: 1000, backoff: 2, maximumIntervalMs: 60_000 });

describe('one table decides which errors are retried', () => {
  it('every code is in the table, and the table is the whole closed set', () => {
    expect(ErrorCodes.length).toBeGreaterThan(10);
    for (const code of ErrorCodes) expect(typeof RETRYABLE[code]).toBe('boolean');
  });

  it.each(ErrorCodes)('%s: the failure an activity raises and the retry policy agree', (code) => {
    const failure = toFailure(new HwsweepError(code, `a ${code} error`, { context: { where: 'test' } })) as ApplicationFailure;
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.type).toBe(code);
    const retriedByPolicy = !policy.nonRetryableErrorTypes.includes(code);
    expect(failure.nonRetryable).toBe(!retriedByPolicy);
    expect(new HwsweepError(code, 'x').retryable).toBe(retriedByPolicy);
    expect(isRetryable(code)).toBe(retriedByPolicy);
  });

  it('the two disagreements of issue 10 are settled: MODEL_NOT_FOUND is never retried, PORT_IN_USE neither', () => {
    expect(policy.nonRetryableErrorTypes).toContain('MODEL_NOT_FOUND');
    expect(policy.nonRetryableErrorTypes).toContain('PORT_IN_USE');
    expect(new HwsweepError('MODEL_NOT_FOUND', 'gone').retryable).toBe(false);
    expect(new HwsweepError('PORT_IN_USE', 'taken').retryable).toBe(false);
  });

  it('transient causes are retried: unreachable services and a database that stays down past the store budget', () => {
    expect(NON_RETRYABLE_CODES).not.toContain('SERVICE_UNAVAILABLE');
    expect(NON_RETRYABLE_CODES).not.toContain('STORE_UNAVAILABLE');
    expect((toFailure(new HwsweepError('STORE_UNAVAILABLE', 'db down')) as ApplicationFailure).nonRetryable).toBe(false);
  });

  it('errors that are not ours (driver errors, bugs) stay retryable with their class name as type', () => {
    const e = new TypeError('x is undefined');
    expect(toFailure(e)).toBe(e);
    expect(isRetryable('TypeError')).toBe(true);
  });
});
