/**
 * The programmatic API as a user's integration tests use it: a jest `globalSetup` (or a beforeAll)
 * builds a test database from the same migration files that go to DSQL, then the tests query it.
 * It imports the package's documented subpath, `cdk-dsql-migrations/api` (resolved to the built
 * bundle, assets/api, by the package's own "exports").
 */
import './support/require-bundles'; // harness only: a clear failure when `npx projen bundle:cli` has not run
import * as path from 'path';
import { Client } from 'pg';
import { freshDatabase } from '../support/database';
import { tempDir } from '../support/harness';
import { writeMigrations } from './support/cli';
import { applyMigrations, ConnectionError, migrationStatus, MigrationError, MigrationValidationError, RunnerEvent, RunProgress } from 'cdk-dsql-migrations/api';

const migrationsPath = path.join(__dirname, '..', '..', 'migrations');

/** What a user's `globalSetup` file exports: migrate the test database, strictly, as DSQL would. */
async function globalSetup(databaseUrl: string): Promise<void> {
  await applyMigrations({ migrationsPath, connectionString: databaseUrl, strict: true });
}

describe('a test database built by globalSetup', () => {
  let databaseUrl: string;
  let db: Client;
  beforeAll(async () => {
    databaseUrl = await freshDatabase('api_usage');
    await globalSetup(databaseUrl);
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
  });
  afterAll(() => db.end());

  test('the application\'s queries run against the migrated schema', async () => {
    const { rows: [user] } = await db.query("INSERT INTO users (email) VALUES ('ada@example.com') RETURNING id");
    const { rows: [project] } = await db.query("INSERT INTO projects (owner_id, name) VALUES ($1, 'Engine') RETURNING id", [user.id]);
    await db.query("INSERT INTO tasks (project_id, title, priority) VALUES ($1, 'Design', 1), ($1, 'Build', 2)", [project.id]);
    const { rows } = await db.query('SELECT title FROM tasks WHERE project_id = $1 ORDER BY priority', [project.id]);
    expect(rows).toEqual([{ title: 'Design' }, { title: 'Build' }]);
    // A CHECK constraint from 0001 holds in the test database too.
    await expect(db.query("UPDATE tasks SET status = 'nope'")).rejects.toMatchObject({ code: '23514' });
  });

  test('migrationStatus reports every file applied; a second setup applies nothing', async () => {
    const status = await migrationStatus({ migrationsPath, connectionString: databaseUrl });
    expect(status.map((s) => [s.version, s.state])).toEqual(['0001', '0002', '0003', '0004', '0005', '0006', '0007'].map((v) => [v, 'applied']));
    const again = await applyMigrations({ migrationsPath, connectionString: databaseUrl });
    expect(again).toMatchObject({ applied: [], latestVersion: '0007', appliedCount: 7, dialect: 'postgresql' });
  });
});

test('a connected pg.Client the caller owns: migrations run on it, and it stays open', async () => {
  const client = new Client({ connectionString: await freshDatabase('api_client') });
  await client.connect();
  try {
    const events: RunnerEvent[] = [];
    const result = await applyMigrations({ migrationsPath, client, log: (e) => events.push(e) });
    expect(result.applied.map((m) => m.name)).toEqual([
      'initial_schema', 'create_indexes', 'add_task_priority', 'backfill_task_priority', 'task_events', 'reporting_views', 'seed_demo_project',
    ]);
    expect(events.filter((e) => e.event === 'migration-applied')).toHaveLength(7);
    expect((await client.query('SELECT count(*)::int AS n FROM schema_migrations')).rows).toEqual([{ n: 7 }]);
    expect((await migrationStatus({ migrationsPath, client })).every((s) => s.state === 'applied')).toBe(true);
  } finally {
    await client.end();
  }
});

test('failures reject with the engine\'s error classes: a statement (file, line, SQLSTATE), an invalid folder', async () => {
  const broken = writeMigrations(tempDir('api-broken'), {
    '0001_good.sql': 'CREATE TABLE IF NOT EXISTS good (id INT PRIMARY KEY);\n',
    '0002_broken.sql': 'CREATE TABLE IF NOT EXISTS t (id INT PRIMARY KEY);\nINSERT INTO nope VALUES (1);\n',
  });
  const failure = await applyMigrations({ migrationsPath: broken, connectionString: await freshDatabase('api_broken') }).catch((e: unknown) => e);
  expect(failure).toBeInstanceOf(MigrationError);
  expect(failure).toMatchObject({ fileName: '0002_broken.sql', line: 2, statementNumber: 2, sqlState: '42P01' });
  // What the run applied before it failed, and where it failed (RunProgress).
  const { applied, failedFile } = failure as RunProgress;
  expect([applied.map((m) => m.version), failedFile]).toEqual([['0001'], '0002_broken.sql']);

  const invalid = writeMigrations(tempDir('api-invalid'), { 'schema.sql': 'SELECT 1;\n' });
  const rejected = await migrationStatus({ migrationsPath: invalid, connectionString: 'postgres://unused@127.0.0.1:1/x' }).catch((e: unknown) => e);
  expect(rejected).toBeInstanceOf(MigrationValidationError);
  expect((rejected as MigrationValidationError).problems).toEqual([expect.objectContaining({ fileName: 'schema.sql', rule: 'file-name' })]);
});

test('exactly one target: connectionString, client or endpoint', async () => {
  await expect(applyMigrations({ migrationsPath })).rejects.toThrow('pass exactly one of connectionString, client or endpoint (got none)');
  await expect(migrationStatus({ migrationsPath, connectionString: 'postgres://a@b/c', endpoint: 'x.dsql.us-east-1.on.aws' })).rejects.toThrow(
    'got connectionString and endpoint',
  );
});

test('applyMigrations lints first and refuses lint errors, naming file, line, column and rule; lint: false or a lowered rule lets it through', async () => {
  const dir = writeMigrations(tempDir('api-lint'), {
    '0001_orders.sql': 'CREATE TABLE IF NOT EXISTS orders (id INT PRIMARY KEY, status TEXT);\n',
    '0002_orders_status.sql': 'CREATE INDEX orders_status_idx ON orders (status);\n',
  });
  const url = await freshDatabase('api_lint');
  const refused = await applyMigrations({ migrationsPath: dir, connectionString: url }).catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(MigrationValidationError);
  expect((refused as MigrationValidationError).problems).toEqual([
    expect.objectContaining({ fileName: '0002_orders_status.sql', line: 1, column: 8, rule: 'index-requires-async' }),
  ]);
  expect((refused as Error).message).toContain('0002_orders_status.sql:1:8 error index-requires-async');
  expect((await migrationStatus({ migrationsPath: dir, connectionString: url })).map((s) => s.state)).toEqual(['pending', 'pending']);

  const lowered = await applyMigrations({ migrationsPath: dir, connectionString: url, lint: { rules: { 'index-requires-async': 'warning' } } });
  expect(lowered.applied.map((m) => m.version)).toEqual(['0001', '0002']);
  const unlinted = await applyMigrations({ migrationsPath: dir, connectionString: await freshDatabase('api_no_lint'), lint: false });
  expect(unlinted.applied).toHaveLength(2);
});

test('a target that cannot be reached is named in the error (host, port, database), never its password', async () => {
  const failure = await applyMigrations({ migrationsPath, connectionString: 'postgres://app:s3cret-pw@127.0.0.1:1/appdb' }).catch((e: unknown) => e);
  expect(failure).toBeInstanceOf(ConnectionError);
  expect((failure as Error).message).toMatch(/^cannot connect to postgres:\/\/app:\*\*\*\*@127\.0\.0\.1:1\/appdb: /);
  expect((failure as Error).message).not.toContain('s3cret-pw');
});
