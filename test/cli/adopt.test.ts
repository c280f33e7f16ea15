/**
 * `dsql-migrations adopt` and the API's `adoptHistory`, run as a user runs them, on a database
 * that Flyway (the DSQL samples' tool) or golang-migrate migrated.
 */
import './support/require-bundles'; // harness only: a clear failure when `npx projen bundle:cli` has not run
import { freshDatabase } from '../support/database';
import { tempDir } from '../support/harness';
import { cli, query, writeMigrations } from './support/cli';
import { adoptHistory, MigrationStateError } from 'cdk-dsql-migrations/api';

const FILES = {
  '0001_create_users.sql': 'CREATE TABLE IF NOT EXISTS users (id INT PRIMARY KEY);\n',
  '0002_create_orders.sql': 'CREATE TABLE IF NOT EXISTS orders (id INT PRIMARY KEY);\n',
  '0003_create_audit.sql': 'CREATE TABLE IF NOT EXISTS audit (id INT PRIMARY KEY);\n',
};

// As Flyway creates it on PostgreSQL, after running V1 and V2 (the tables they made included).
const FLYWAY = `CREATE TABLE users (id INT PRIMARY KEY); CREATE TABLE orders (id INT PRIMARY KEY);
CREATE TABLE "public"."flyway_schema_history" ("installed_rank" INT NOT NULL PRIMARY KEY, "version" VARCHAR(50), "description" VARCHAR(200) NOT NULL,
  "type" VARCHAR(20) NOT NULL, "script" VARCHAR(1000) NOT NULL, "checksum" INTEGER, "installed_by" VARCHAR(100) NOT NULL,
  "installed_on" TIMESTAMP NOT NULL DEFAULT now(), "execution_time" INTEGER NOT NULL, "success" BOOLEAN NOT NULL);
INSERT INTO flyway_schema_history VALUES (1, '1', 'create users', 'SQL', 'V1__create_users.sql', 1, 'admin', now(), 3, true),
  (2, '2', 'create orders', 'SQL', 'V2__create_orders.sql', 2, 'admin', now(), 3, true);`;

describe('adopt --from flyway, then status and apply', () => {
  const dir = writeMigrations(tempDir('adopt-cli'), FILES);
  let url: string;
  const run = (...args: string[]) => cli([...args, '--dir', dir, '--url', url]);
  beforeAll(async () => {
    url = await freshDatabase('adopt_cli');
    await query(url, FLYWAY);
  });

  test('--dry-run lists what would be recorded and writes nothing', async () => {
    const r = await run('adopt', '--from', 'flyway', '--dry-run');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      'would adopt  0001  create_users',
      'would adopt  0002  create_orders',
      'Dry run: would record 2 files from public.flyway_schema_history as adopted; nothing was written. 1 file after them is left for apply.',
    ]);
    expect((await query(url, "SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'schema_migrations'"))[0].n).toBe(0);
  });

  test('adopt records them; status shows them as baseline; apply runs only 0003; adopt again does nothing', async () => {
    const r = await run('adopt', '--from', 'flyway', '--format', 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ schema: expect.stringMatching(/^dsql-migrations\/adopt@/), ok: true, from: 'flyway', table: 'public.flyway_schema_history', adopted: [{ version: '0001' }, { version: '0002' }], pending: ['0003_create_audit.sql'] });
    const status = await run('status');
    expect(status.stdout).toMatch(/^0001 +create_users +baseline/m);
    expect(status.stdout).toMatch(/^0003 +create_audit +pending/m);
    const apply = await run('apply');
    expect(apply.code).toBe(0);
    expect(apply.stdout).toMatch(/applied +0003 +create_audit/);
    expect(apply.stdout).not.toMatch(/0001|0002/);
    const again = await run('adopt', '--from', 'flyway');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("Nothing to adopt: flyway's history was adopted before");
    expect(await query(url, 'SELECT count(*)::int AS n FROM flyway_schema_history')).toEqual([{ n: 2 }]);
  });
});

test('golang-migrate in place: exit 1 with the rename to make, no stack trace, nothing written; --from is required', async () => {
  const dir = writeMigrations(tempDir('adopt-gm'), FILES);
  const url = await freshDatabase('adopt_gm');
  await query(url, 'CREATE TABLE IF NOT EXISTS "public"."schema_migrations" (version bigint not null primary key, dirty boolean not null); INSERT INTO schema_migrations VALUES (2, false);');
  const r = await cli(['adopt', '--from', 'golang-migrate', '--dir', dir, '--url', url]);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^error: golang-migrate's table is public\.schema_migrations, the name this runner needs for its own table\. Rename it first/);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(await query(url, 'SELECT * FROM schema_migrations')).toEqual([{ version: '2', dirty: false }]);
  const missing = await cli(['adopt', '--dir', dir, '--url', url]);
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain("required option '--from <tool>' not specified");
});

test('API adoptHistory: adopts a renamed golang-migrate table, rejects a dirty one with MigrationStateError', async () => {
  const migrationsPath = writeMigrations(tempDir('adopt-api'), FILES);
  const url = await freshDatabase('adopt_api');
  await query(url, 'CREATE TABLE gm (version bigint not null primary key, dirty boolean not null); INSERT INTO gm VALUES (2, true);');
  const dirty = await adoptHistory({ migrationsPath, connectionString: url, from: 'golang-migrate', table: 'gm' }).catch((e: unknown) => e);
  expect(dirty).toBeInstanceOf(MigrationStateError);
  expect((dirty as Error).message).toContain('golang-migrate version 2 is dirty');
  await query(url, 'UPDATE gm SET dirty = false');
  const result = await adoptHistory({ migrationsPath, connectionString: url, from: 'golang-migrate', table: 'gm' });
  expect(result.adopted.map((m) => m.version)).toEqual(['0001', '0002']);
  expect(await query(url, 'SELECT version, kind FROM schema_migrations ORDER BY 1')).toEqual([{ version: '0001', kind: 'adopted' }, { version: '0002', kind: 'adopted' }]);
});
