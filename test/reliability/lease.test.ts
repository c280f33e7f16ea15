import { spawn } from 'child_process';
import * as path from 'path';
import { openClient, postgresConnector } from '../../connectors';
import { parseMigrations } from '../../src/engine/migration-set';
import { applyMigrationSet, ConnectFn, LeaseLostError, RunnerEvent, RunOptions } from '../../src/engine/runner';
import { freshDatabase, queryRows as sql } from '../support/database';
import { LONG_RUN_FILES } from '../support/hold-lease';
import { freePort } from '../support/local-postgres';
import { instrumentedConnector, isRunning, QueryLog, waitUntil } from '../support/sessions';

const files = (set: Record<string, string>) => parseMigrations(Object.entries(set).map(([fileName, text]) => ({ fileName, sql: text })));
const strictBase: RunOptions = { strict: true, dialect: 'postgresql', lockPollMs: 50 };
/** Both ways of sending a DML transaction with its note (see src/engine/one-message.ts). */
const MODES = [['one message per DML transaction', true], ['statement by statement', false]] as const;

/**
 * A file whose second statement runs longer than the lease, between two committed steps: the
 * INSERT after it must run once, however many runners want the lease meanwhile.
 */
const longFile = files({
  '0001_marks.sql': 'CREATE TABLE IF NOT EXISTS marks (note TEXT);',
  '0002_long.sql': ["SELECT 'start';", 'SELECT pg_sleep(3);', "INSERT INTO marks VALUES ('once');", 'CREATE TABLE IF NOT EXISTS after_marks (n INT);'].join('\n'),
});

describe.each(MODES)('a file that runs longer than the lease, %s', (_mode, oneMessageTransactions) => {
  const base: RunOptions = { ...strictBase, oneMessageTransactions };
  test('a second runner waits for the live one and never replays its INSERT', async () => {
    const url = await freshDatabase('lease_long');
    const options: RunOptions = { ...base, leaseMs: 1000, lockWaitMs: 20_000 };
    const events: RunnerEvent[] = [];
    const first = applyMigrationSet(postgresConnector(url), longFile, { ...options, owner: 'first' });
    // The second runner starts while the first one sleeps in 0002, and the lease is a third of the sleep.
    await waitUntil(() => isRunning(url, 'SELECT pg_sleep(3)'));
    const second = applyMigrationSet(postgresConnector(url), longFile, { ...options, owner: 'second', log: (e) => events.push(e) });
    const results = await Promise.allSettled([first, second]);
    expect(await sql(url, 'SELECT note FROM marks')).toEqual([{ note: 'once' }]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value.applied.map((m) => m.version) : []))).toEqual([['0001', '0002'], []]);
    expect(events.filter((e) => e.event === 'waiting-for-lock')[0]).toMatchObject({ holder: 'first', first: true });
  });

  test('a lease taken over during a statement: the runner commits nothing more', async () => {
    const url = await freshDatabase('lease_stolen');
    const run = applyMigrationSet(postgresConnector(url), longFile, { ...base, owner: 'victim' });
    await waitUntil(() => isRunning(url, 'SELECT pg_sleep(3)'));
    // As a runner would that took the lease after it expired.
    await sql(url, "UPDATE schema_migrations_lock SET owner = 'thief'");
    await expect(run).rejects.toThrow(new LeaseLostError('victim', 'another runner took it over'));
    expect(await sql(url, 'SELECT count(*)::int AS n FROM marks')).toEqual([{ n: 0 }]);
    // 0002's statements are consecutive DML sharing one transaction, rolled back whole: 0002 starts over.
    expect(await sql(url, "SELECT version, next_statement FROM schema_migrations_progress WHERE version = '0002'")).toEqual([]);
    expect(await sql(url, 'SELECT owner FROM schema_migrations_lock')).toEqual([{ owner: 'thief' }]);
  });

  test('a heartbeat that cannot renew the lease before it expires stops the runner before its next commit', async () => {
    const url = await freshDatabase('lease_unrenewed');
    const closed = await freePort();
    let opened = 0;
    // The run's connection and the lease's connection open; after that the server refuses (ECONNREFUSED).
    const connect: ConnectFn = () => (++opened <= 2 ? postgresConnector(url)() : openClient({ host: '127.0.0.1', port: closed, user: 'x' }));
    const run = applyMigrationSet(connect, longFile, { ...base, owner: 'cut-off', leaseMs: 1200, reconnectWindowMs: 500 });
    await waitUntil(() => isRunning(url, 'SELECT pg_sleep(3)'));
    // The lease's connection is the idle one.
    await sql(url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'cdk-dsql-migrations' AND state = 'idle'");
    await expect(run).rejects.toThrow(/Lost the migration lease of cut-off: (the heartbeat could not renew it in time|it could not be renewed before it expired)/);
    expect(await sql(url, 'SELECT count(*)::int AS n FROM marks')).toEqual([{ n: 0 }]);
    expect(await sql(url, "SELECT count(*)::int AS n FROM schema_migrations WHERE version = '0002'")).toEqual([{ n: 0 }]);
  });
});

describe('waiting for the lease', () => {
  test('one line when the wait starts, naming the holder and the expiry, then one per interval, not one per poll', async () => {
    const url = await freshDatabase('lease_wait_log');
    await applyMigrationSet(postgresConnector(url), [], strictBase);
    await sql(url, "INSERT INTO schema_migrations_lock VALUES ('migrations', 'deploy-42', NOW(), NOW() + interval '1 hour')");
    const events: RunnerEvent[] = [];
    const log: QueryLog = { queries: [] };
    await expect(
      applyMigrationSet(instrumentedConnector(url, {}, log), longFile, {
        ...strictBase, lockPollMs: 10, lockWaitMs: 1500, lockWaitLogMs: 500, log: (e) => events.push(e),
      }),
    ).rejects.toThrow(/schema_migrations_lock is held by deploy-42 since .* \(lease until .*\)/);
    const waits = events.filter((e) => e.event === 'waiting-for-lock');
    const polls = log.queries.filter((q) => q.startsWith('SELECT owner, acquired_at, expires_at')).length;
    expect(waits[0]).toMatchObject({ holder: 'deploy-42', first: true, until: expect.stringMatching(/^\d{4}-/) });
    expect(waits.length).toBeGreaterThan(1);
    expect(waits.slice(1).every((e) => e.first === false)).toBe(true);
    expect(waits.length * 5).toBeLessThan(polls);
  });
});

describe('a runner killed while it holds the lease', () => {
  test('SIGKILL mid-file: the next run takes the lease over once it expires and applies the file once', async () => {
    const url = await freshDatabase('lease_killed');
    await sql(url, 'CREATE TABLE naps (seconds INT); INSERT INTO naps VALUES (30)');
    const script = path.join(__dirname, '..', 'support', 'hold-lease.ts');
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', script, url, '1000', 'doomed'], {
      cwd: path.join(__dirname, '..', '..'),
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
    await waitUntil(() => isRunning(url, 'SELECT pg_sleep(seconds)'), 'the child runner reaching its long statement');
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(await sql(url, 'SELECT owner FROM schema_migrations_lock')).toEqual([{ owner: 'doomed' }]);
    // The dead runner's statement still sleeps on the server; it never commits (its client is gone).
    await sql(url, 'UPDATE naps SET seconds = 0');
    const result = await applyMigrationSet(postgresConnector(url), files(LONG_RUN_FILES), { ...strictBase, leaseMs: 1000, lockWaitMs: 60_000 });
    expect(result.applied.map((m) => m.version)).toEqual(['0002']);
    expect(await sql(url, 'SELECT note FROM marks')).toEqual([{ note: 'once' }]);
    expect(await sql(url, 'SELECT count(*)::int AS n FROM schema_migrations_lock')).toEqual([{ n: 0 }]);
    await sql(url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'SELECT pg_sleep(seconds)%'");
  });
});
