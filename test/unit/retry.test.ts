import { isAlreadyDone, isConnectionLost, isRetryable, isTransactionLimit, withRetries } from '../../src/engine/errors';

const pgError = (code: string | undefined, message = 'error') => Object.assign(new Error(message), code ? { code } : {});

/** Each row: the error, and whether it is retried, a lost connection, already done, a transaction limit. */
const errors: Array<[string, unknown, { retry: boolean; lost: boolean; done: boolean; limit: boolean }]> = [
  ['DSQL data conflict (40001, OC000)', pgError('40001', 'change conflicts with another transaction, please retry: (OC000)'), { retry: true, lost: false, done: false, limit: false }],
  ['DSQL schema conflict (40001, OC001)', pgError('40001', 'schema has been updated by another transaction, please retry: (OC001)'), { retry: true, lost: false, done: false, limit: false }],
  ['OC001 in the message without a code', pgError(undefined, 'ERROR: schema has been updated (OC001)'), { retry: true, lost: false, done: false, limit: false }],
  ['PostgreSQL deadlock (40P01)', pgError('40P01'), { retry: true, lost: false, done: false, limit: false }],
  ['transaction limit (54000)', pgError('54000', 'transaction row limit exceeded'), { retry: false, lost: false, done: false, limit: true }],
  ['unique violation (23505)', pgError('23505'), { retry: false, lost: false, done: false, limit: false }],
  ['feature not supported (0A000)', pgError('0A000'), { retry: false, lost: false, done: false, limit: false }],
  ['another OC code is not a conflict', pgError(undefined, 'failed (OC002)'), { retry: false, lost: false, done: false, limit: false }],
  ['connection failure (08006)', pgError('08006'), { retry: false, lost: true, done: false, limit: false }],
  ['admin shutdown (57P01)', pgError('57P01'), { retry: false, lost: true, done: false, limit: false }],
  ['cannot connect now (57P03)', pgError('57P03'), { retry: false, lost: true, done: false, limit: false }],
  ['query canceled (57014) is no lost connection', pgError('57014'), { retry: false, lost: false, done: false, limit: false }],
  ['socket reset (ECONNRESET)', pgError('ECONNRESET'), { retry: false, lost: true, done: false, limit: false }],
  ['connection refused (ECONNREFUSED)', pgError('ECONNREFUSED'), { retry: false, lost: true, done: false, limit: false }],
  ['node-postgres: Connection terminated unexpectedly', pgError(undefined, 'Connection terminated unexpectedly'), { retry: false, lost: true, done: false, limit: false }],
  ['node-postgres: Client has encountered a connection error', pgError(undefined, 'Client has encountered a connection error and is not queryable'), { retry: false, lost: true, done: false, limit: false }],
  ['relation already exists (42P07)', pgError('42P07'), { retry: false, lost: false, done: true, limit: false }],
  ['column already exists (42701)', pgError('42701'), { retry: false, lost: false, done: true, limit: false }],
  ['relation does not exist (42P01)', pgError('42P01'), { retry: false, lost: false, done: true, limit: false }],
  ['a string thrown', 'boom', { retry: false, lost: false, done: false, limit: false }],
  ['null thrown', null, { retry: false, lost: false, done: false, limit: false }],
];

describe('error classification', () => {
  test.each(errors)('%s', (_, error, expected) => {
    const classified = { retry: isRetryable(error), lost: isConnectionLost(error), done: isAlreadyDone(error), limit: isTransactionLimit(error) };
    expect(classified).toEqual(expected);
  });
});

/** Work that fails with the given errors, one per call, then returns 'done'; records the sleeps asked for. */
function failing(...failures: unknown[]) {
  const calls = { work: 0, sleeps: [] as number[], retries: [] as Array<{ attempt: number; code: string | undefined; delayMs: number }> };
  const work = async () => {
    const failure = failures[calls.work++];
    if (failure !== undefined) throw failure;
    return 'done';
  };
  const options = {
    sleep: async (ms: number) => { calls.sleeps.push(ms); },
    onRetry: (info: { attempt: number; code: string | undefined; delayMs: number }) => { calls.retries.push(info); },
  };
  return { work, options, calls };
}

describe('withRetries', () => {
  test('work that succeeds runs once and never sleeps', async () => {
    const { work, options, calls } = failing();
    await expect(withRetries(work, options)).resolves.toBe('done');
    expect(calls).toEqual({ work: 1, sleeps: [], retries: [] });
  });

  test('conflicts are retried until the work succeeds, each reported with its SQLSTATE', async () => {
    const { work, options, calls } = failing(pgError('40001', '(OC000)'), pgError('40P01'));
    await expect(withRetries(work, options)).resolves.toBe('done');
    expect(calls.work).toBe(3);
    expect(calls.retries.map((r) => [r.attempt, r.code])).toEqual([[1, '40001'], [2, '40P01']]);
    expect(calls.sleeps).toEqual(calls.retries.map((r) => r.delayMs));
  });

  test.each([['a unique violation', pgError('23505')], ['a lost connection', pgError('08006')], ['a transaction limit', pgError('54000')]])(
    '%s is thrown at once, without a retry', async (_, error) => {
      const { work, options, calls } = failing(error);
      await expect(withRetries(work, options)).rejects.toBe(error);
      expect(calls).toEqual({ work: 1, sleeps: [], retries: [] });
    });

  test('after maxRetries retries the last conflict is thrown', async () => {
    const conflicts = Array.from({ length: 4 }, (_, i) => pgError('40001', `conflict ${i + 1}`));
    const { work, options, calls } = failing(...conflicts);
    await expect(withRetries(work, { ...options, maxRetries: 3 })).rejects.toBe(conflicts[3]);
    expect(calls.work).toBe(4);
    expect(calls.sleeps).toHaveLength(3);
  });

  test('by default a conflict is retried 8 times', async () => {
    const conflicts = Array.from({ length: 20 }, () => pgError('40001'));
    const { work, options, calls } = failing(...conflicts);
    await expect(withRetries(work, options)).rejects.toBe(conflicts[8]);
    expect(calls.work).toBe(9);
  });

  // Full jitter: each delay is a whole number of milliseconds in [0, min(cap, base * 2^(attempt-1))].
  test.each([
    ['defaults (50 ms doubling, 5 s cap)', {}, 50, 5000],
    ['a small cap bounds every later attempt', { baseDelayMs: 100, maxDelayMs: 300 }, 100, 300],
  ])('backoff with %s stays within its bounds', async (_, bounds: { baseDelayMs?: number; maxDelayMs?: number }, base, cap) => {
    const conflicts = Array.from({ length: 12 }, () => pgError('40001'));
    const { work, options, calls } = failing(...conflicts);
    await withRetries(work, { ...options, ...bounds, maxRetries: 12 });
    expect(calls.sleeps).toHaveLength(12);
    // The delays the policy asked the injected sleep for: computed values, not measured time.
    calls.sleeps.forEach((delayMs, i) => {
      expect(Number.isInteger(delayMs)).toBe(true);
      expect(delayMs).toBeGreaterThanOrEqual(0);
      expect(delayMs).toBeLessThanOrEqual(Math.min(cap, base * 2 ** i));
    });
  });
});
