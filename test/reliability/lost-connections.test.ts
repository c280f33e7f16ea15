/**
 * Backends terminated under the programmatic API and the Lambda handler, in this process: a lost
 * connection must surface on the next query and be handled (reconnect and resume), never as an
 * unhandled 'error' event that ends the process.
 */
import * as fs from 'fs';
import * as path from 'path';
import { applyMigrations } from '../../cli/api';
import { openClient, postgresConnector } from '../../connectors';
import { parseMigrations } from '../../src/engine/migration-set';
import { applyMigrationSet, ConnectFn, RunnerEvent } from '../../src/engine/runner';
import { freshDatabase, queryRows as sql } from '../support/database';
import { cfnEvent, localHandlers, synthExample, tempDir } from '../support/harness';
import { freePort } from '../support/local-postgres';
import { isRunning, terminateRunnerBackends, waitUntil } from '../support/sessions';

const FILES = {
  '0001_marks.sql': 'CREATE TABLE IF NOT EXISTS marks (note TEXT);',
  '0002_first.sql': "INSERT INTO marks VALUES ('first');\nSELECT pg_sleep(1);",
  '0003_second.sql': "SELECT pg_sleep(1.5);\nINSERT INTO marks VALUES ('second');",
};

function migrationsFolder(): string {
  const dir = tempDir('lost-connections');
  for (const [name, text] of Object.entries(FILES)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

/** Another deploy holds the lease until the test lets it go. */
async function holdLease(url: string): Promise<void> {
  await sql(url, `CREATE TABLE schema_migrations_lock (id TEXT PRIMARY KEY, owner TEXT NOT NULL, acquired_at TIMESTAMPTZ NOT NULL DEFAULT NOW(), expires_at TIMESTAMPTZ NOT NULL);
    INSERT INTO schema_migrations_lock VALUES ('migrations', 'other-deploy', NOW(), NOW() + interval '1 hour')`);
}

const runnerBackends = async (url: string) =>
  (await sql(url, "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'cdk-dsql-migrations'"))[0].n as number;

/**
 * Terminates the run's backends while it waits for the lease (its own connection idle), then during
 * each sleep of 0002 and 0003 (the run's connection mid-statement), and lets the run finish.
 */
async function terminateThroughout(url: string, run: Promise<unknown>): Promise<void> {
  await waitUntil(async () => (await runnerBackends(url)) >= 2, 'the run waiting for the lease on its two connections');
  expect(await terminateRunnerBackends(url)).toBeGreaterThanOrEqual(2);
  await waitUntil(async () => (await runnerBackends(url)) >= 1, 'the run reconnecting');
  await sql(url, 'DELETE FROM schema_migrations_lock');
  for (const sleep of ['SELECT pg_sleep(1)', 'SELECT pg_sleep(1.5)']) {
    await waitUntil(() => isRunning(url, sleep), sleep);
    // The run's connection; the lease's too once it has reconnected.
    expect(await terminateRunnerBackends(url)).toBeGreaterThanOrEqual(1);
  }
  await run;
}

async function expectAppliedOnce(url: string): Promise<void> {
  expect(await sql(url, 'SELECT version FROM schema_migrations ORDER BY version')).toEqual([{ version: '0001' }, { version: '0002' }, { version: '0003' }]);
  expect(await sql(url, 'SELECT note FROM marks ORDER BY note')).toEqual([{ note: 'first' }, { note: 'second' }]);
  expect(await sql(url, 'SELECT count(*)::int AS n FROM schema_migrations_lock')).toEqual([{ n: 0 }]);
}

test('the programmatic API: backends terminated while it waits for the lease and between statements; the run resumes and completes', async () => {
  const url = await freshDatabase('lost_api');
  await holdLease(url);
  const events: string[] = [];
  const run = applyMigrations({ migrationsPath: migrationsFolder(), connectionString: url, strict: true, log: (e) => events.push(e.event) });
  await terminateThroughout(url, run);
  expect((await run).applied.map((m) => m.version)).toEqual(['0001', '0002', '0003']);
  expect(events).toContain('reconnect');
  await expectAppliedOnce(url);
});

test('the Lambda handler: backends terminated while it waits for the lease and between statements; the deploy completes', async () => {
  const url = await freshDatabase('lost_handler');
  await holdLease(url);
  const stack = synthExample(migrationsFolder(), path.join(tempDir('lost-connections-out'), 'cdk.out'));
  const run = localHandlers(url, stack.outdir).onEvent(cfnEvent('Create', stack.properties));
  await terminateThroughout(url, run);
  expect((await run).Data).toMatchObject({ AppliedThisDeployment: '0001,0002,0003', Pending: '' });
  await expectAppliedOnce(url);
});

describe('a server that refuses connections for a while (a restart)', () => {
  const files = parseMigrations(Object.entries(FILES).map(([fileName, text]) => ({ fileName, sql: text })));

  /** Real connections, except numbers in `refused`, which go to a closed port (ECONNREFUSED). */
  async function refusingConnector(url: string, refused: (n: number) => boolean): Promise<ConnectFn> {
    const closed = await freePort();
    let opened = 0;
    return () => (refused(++opened) ? openClient({ host: '127.0.0.1', port: closed, user: 'x' }) : postgresConnector(url)());
  }

  test('refused reconnections are retried with backoff, and the run resumes', async () => {
    const url = await freshDatabase('lost_refused');
    // 1: the run's connection, 2: the lease's; the next three reconnections are refused.
    const connect = await refusingConnector(url, (n) => n >= 3 && n <= 5);
    const events: RunnerEvent[] = [];
    const run = applyMigrationSet(connect, files, { strict: true, dialect: 'postgresql', log: (e) => events.push(e) });
    await waitUntil(() => isRunning(url, 'SELECT pg_sleep(1)'), 'the first sleep');
    await terminateRunnerBackends(url);
    const result = await run;
    expect(result.applied.map((m) => m.version)).toEqual(['0001', '0002', '0003']);
    expect(events.filter((e) => e.event === 'reconnect-refused').map((e) => e.code)).toEqual(['ECONNREFUSED', 'ECONNREFUSED', 'ECONNREFUSED']);
    await expectAppliedOnce(url);
  });

  test('a server that stays down fails the run with the refusal once the reconnect window has passed', async () => {
    const url = await freshDatabase('lost_down');
    const connect = await refusingConnector(url, (n) => n >= 3);
    const events: RunnerEvent[] = [];
    const run = applyMigrationSet(connect, files, { strict: true, dialect: 'postgresql', reconnectWindowMs: 1000, log: (e) => events.push(e) });
    await waitUntil(() => isRunning(url, 'SELECT pg_sleep(1)'), 'the first sleep');
    await terminateRunnerBackends(url);
    await expect(run).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(events.filter((e) => e.event === 'reconnect-refused').length).toBeGreaterThan(1);
  });
});
