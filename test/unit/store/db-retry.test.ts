import { describe, expect, it } from 'vitest';
import { isTransientDbError, withDbRetry } from '../../../src/store/db-retry.js';

/** Error shapes as Prisma 7 + @prisma/adapter-pg raise them (captured against a stopped embedded PostgreSQL). */
const prismaError = (code: string, cause: Record<string, unknown>) =>
  Object.assign(new Error(`Invalid invocation: ${code}`), { name: 'PrismaClientKnownRequestError', code, meta: { driverAdapterError: { name: 'DriverAdapterError', cause } } });
const unreachable = prismaError('P1001', { kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 25444 });
const rawUnreachable = prismaError('P2010', { kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 25444 });
const shutdownMidQuery = prismaError('P2010', { kind: 'postgres', code: '57P01', originalCode: '57P01', originalMessage: 'terminating connection due to administrator command' });

describe('isTransientDbError tells a database outage from a bad query', () => {
  it.each([
    ['P1001 unreachable (model query)', unreachable],
    ['P2010 unreachable (raw query)', rawUnreachable],
    ['57P01 admin shutdown while a query ran', shutdownMidQuery],
    ['a socket refusal from pg', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:25444'), { code: 'ECONNREFUSED' })],
    ['pg: connection terminated', new Error('Connection terminated unexpectedly')],
    ['wrapped as a cause', new Error('outer', { cause: unreachable })],
    ['57P03 starting up', prismaError('P2010', { kind: 'postgres', code: '57P03', originalCode: '57P03' })],
  ])('%s is transient', (_name, err) => {
    expect(isTransientDbError(err)).toBe(true);
  });

  it.each([
    ['a unique violation', prismaError('P2002', { kind: 'UniqueConstraintViolation' })],
    ['a syntax error', prismaError('P2010', { kind: 'postgres', code: '42601', originalCode: '42601' })],
    ['record not found', Object.assign(new Error('No record found'), { code: 'P2025' })],
    ['a plain bug', new TypeError('x is undefined')],
    ['not an error at all', 'boom'],
  ])('%s is not', (_name, err) => {
    expect(isTransientDbError(err)).toBe(false);
  });
});

describe('withDbRetry', () => {
  it('retries a transient failure with doubling waits until the call succeeds', async () => {
    const waits: number[] = [];
    let calls = 0;
    const r = await withDbRetry(
      'probe',
      async () => {
        if (++calls < 4) throw unreachable;
        return 'ok';
      },
      { budgetMs: 10_000, initialDelayMs: 1, maxDelayMs: 4, onRetry: (i) => waits.push(i.delayMs) },
    );
    expect([r, calls, waits]).toEqual(['ok', 4, [1, 2, 4]]);
  });

  it('passes a non-transient error through at once', async () => {
    let calls = 0;
    const bad = prismaError('P2002', { kind: 'UniqueConstraintViolation' });
    await expect(withDbRetry('probe', async () => (calls++, Promise.reject(bad)), { initialDelayMs: 1 })).rejects.toBe(bad);
    expect(calls).toBe(1);
  });

  it('gives up after its budget with STORE_UNAVAILABLE naming the operation, the cause kept', async () => {
    const err = await withDbRetry('store.finishTrial', async () => Promise.reject(unreachable), { budgetMs: 30, initialDelayMs: 5, maxDelayMs: 5 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'STORE_UNAVAILABLE', retryable: true, cause: unreachable });
    expect((err as Error).message).toMatch(/^store\.finishTrial: the database stayed unreachable for \d+ s \(\d+ tries\)$/);
  });
});
