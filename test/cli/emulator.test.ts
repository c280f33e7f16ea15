/**
 * A local DSQL emulator speaks plain PostgreSQL and cannot be told from it: `--dialect dsql` (or
 * DSQL_MIGRATIONS_DIALECT, or the API's `dialect`) sends the files as written, `CREATE INDEX ASYNC`
 * included, and reads the async jobs from `sys.jobs`, as on DSQL. Without it, detection decides.
 */
import './support/require-bundles'; // harness only: a clear failure when `npx projen bundle:cli` has not run
import * as path from 'path';
import { asyncJobEmulator, createSysJobs } from '../support/async-jobs';
import { freshDatabase, queryRows } from '../support/database';
import { tempDir } from '../support/harness';
import { cli, writeMigrations } from './support/cli';
import { applyMigrations, QueryableClient } from 'cdk-dsql-migrations/api';

const INDEX_FILE = { '0001_orders.sql': 'CREATE TABLE IF NOT EXISTS orders (id INT PRIMARY KEY, status TEXT);\n', '0002_orders_status.sql': 'CREATE INDEX ASYNC IF NOT EXISTS orders_status_idx ON orders (status);\n' };

/**
 * An emulator as seen in the wild: it answers `CREATE INDEX ASYNC` with a job id and serves
 * `sys.jobs`, but its catalog lists no `sys.jobs` relation, so detection takes it for PostgreSQL.
 * Records every statement it receives.
 */
async function emulator(url: string): Promise<{ client: QueryableClient & { end(): Promise<void> }; received: string[] }> {
  await createSysJobs(url);
  const session = await asyncJobEmulator(url)();
  const received: string[] = [];
  const client = {
    query: async (text: string, params?: unknown[]) => {
      received.push(text);
      if (/c\.relname = 'jobs'/.test(text)) return { rows: [{ n: 0 }] };
      return session.query(text, params);
    },
    end: () => session.end(),
  };
  return { client, received };
}

describe('API', () => {
  const dir = writeMigrations(tempDir('emulator-api'), INDEX_FILE);

  test("dialect: 'dsql' sends CREATE INDEX ASYNC as written and reads its job from sys.jobs", async () => {
    const url = await freshDatabase('emulator_dsql');
    const { client, received } = await emulator(url);
    try {
      const result = await applyMigrations({ migrationsPath: dir, client, dialect: 'dsql' });
      expect(result.dialect).toBe('dsql');
      expect(received).toContain('CREATE INDEX ASYNC IF NOT EXISTS orders_status_idx ON orders (status)');
      const jobs = await queryRows(url, 'SELECT job_id FROM sys.jobs');
      expect(result.asyncJobs).toEqual(jobs.map((j) => j.job_id));
      // The job is still `submitted` in sys.jobs: the run reports it as pending, as on DSQL.
      expect(result.pendingJobs).toEqual(result.asyncJobs);
      await queryRows(url, "UPDATE sys.jobs SET status = 'completed'");
      const again = await applyMigrations({ migrationsPath: dir, client, dialect: 'dsql' });
      expect(again).toMatchObject({ applied: [], pendingJobs: [] });
      expect(await queryRows(url, 'SELECT count(*)::int AS n FROM schema_migrations_jobs')).toEqual([{ n: 0 }]);
    } finally {
      await client.end();
    }
  });

  test('by default the same emulator is detected as PostgreSQL: ASYNC is stripped and no job is read (unchanged behaviour)', async () => {
    const url = await freshDatabase('emulator_detect');
    const { client, received } = await emulator(url);
    try {
      const result = await applyMigrations({ migrationsPath: dir, client });
      expect(result).toMatchObject({ dialect: 'postgresql', asyncJobs: [], pendingJobs: [] });
      expect(received).toContain('CREATE INDEX IF NOT EXISTS orders_status_idx ON orders (status)');
      expect(received.some((q) => /ASYNC/.test(q) || /sys\.jobs/.test(q))).toBe(false);
    } finally {
      await client.end();
    }
  });
});

describe('CLI', () => {
  const dir = writeMigrations(tempDir('emulator-cli'), INDEX_FILE);
  const asWritten = 'CREATE INDEX ASYNC IF NOT EXISTS orders_status_idx ON orders (status);';

  test('plan --dialect dsql, or DSQL_MIGRATIONS_DIALECT=dsql, shows the statements as written; without them PostgreSQL is detected', async () => {
    const url = await freshDatabase('emulator_plan');
    const flag = await cli(['plan', '--dir', dir, '--url', url, '--dialect', 'dsql']);
    expect(flag.code).toBe(0);
    expect(flag.stdout).toMatch(/\(Aurora DSQL\): 2 files/);
    expect(flag.stdout).toContain(asWritten);
    const env = await cli(['plan', '--dir', dir, '--url', url], { env: { DSQL_MIGRATIONS_DIALECT: 'dsql' } });
    expect(env.stdout).toContain(asWritten);
    const detected = await cli(['plan', '--dir', dir, '--url', url]);
    expect(detected.stdout).toMatch(/\(PostgreSQL\): 2 files/);
    expect(detected.stdout).not.toContain(asWritten);
    expect(detected.stdout).toContain('CREATE INDEX IF NOT EXISTS orders_status_idx ON orders (status);');
  });

  test('apply --dialect dsql sends ASYNC to the server (plain PostgreSQL cannot parse it); --dialect takes dsql or postgresql only', async () => {
    const url = await freshDatabase('emulator_apply');
    const r = await cli(['apply', '--dir', dir, '--url', url, '--dialect', 'dsql']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${path.join(dir, '0002_orders_status.sql')}:1: statement 1 failed (SQLSTATE 42601)`);
    // PostgreSQL takes ASYNC for the index's name and stops at IF: the statement arrived as written.
    expect(r.stderr).toMatch(/syntax error at or near "IF"/);
    const bad = await cli(['plan', '--dir', dir, '--url', url, '--dialect', 'mysql']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--dialect <dialect>' argument 'mysql' is invalid\. Allowed choices are dsql, postgresql/);
  });
});
