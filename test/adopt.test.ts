/**
 * Adopting another tool's history on PostgreSQL 16: each tool's table is created as that tool
 * creates it, filled as it fills it, and read; the files it applied are recorded as adopted and
 * only later files are applied. The other tool's table is never altered.
 */
import { createHash } from 'crypto';
import { postgresConnector } from '../connectors';
import { freshDatabase, queryRows } from './support/database';
import { adoptHistory, AdoptOptions } from '../src/engine/adopt';
import { parseMigrations } from '../src/engine/migration-set';
import { applyMigrationSet, readMigrationStatus } from '../src/engine/runner';

const FILES: Record<string, string> = {
  '0001_create_users.sql': 'CREATE TABLE users (id INT PRIMARY KEY);\n',
  '0002_create_orders.sql': 'CREATE TABLE orders (id INT PRIMARY KEY, user_id INT);\n',
  '0003_add_orders_index.sql': 'CREATE INDEX orders_user_idx ON orders (user_id);\n',
  '0004_create_audit.sql': 'CREATE TABLE audit (id INT PRIMARY KEY);\n',
};

function migrationsOf(files: Record<string, string>) {
  return parseMigrations(Object.entries(files).map(([fileName, sql]) => ({ fileName, sql })));
}

/** A database where another tool applied 0001-0003: their tables exist, with that tool's history table. */
async function databaseWith(setup: string): Promise<string> {
  const url = await freshDatabase('adopt');
  await queryRows(url, 'CREATE TABLE users (id INT PRIMARY KEY); CREATE TABLE orders (id INT PRIMARY KEY, user_id INT); CREATE INDEX orders_user_idx ON orders (user_id);');
  await queryRows(url, setup);
  return url;
}

async function adopt(url: string, options: AdoptOptions, files = FILES) {
  return adoptHistory(postgresConnector(url), migrationsOf(files), options);
}

async function recorded(url: string): Promise<Array<[string, string]>> {
  const rows = await queryRows(url, 'SELECT version, kind FROM schema_migrations ORDER BY version').catch(() => []);
  return rows.map((r) => [r.version, r.kind]);
}

/** Adopts, checks the other table is unchanged, then applies: only 0004 runs. */
async function adoptThenApply(url: string, options: AdoptOptions, table: string): Promise<void> {
  const before = await queryRows(url, `SELECT * FROM ${table} ORDER BY 1`);
  const dry = await adopt(url, { ...options, dryRun: true });
  expect(dry.adopted.map((m) => m.version)).toEqual(['0001', '0002', '0003']);
  expect(await recorded(url)).toEqual([]);
  const result = await adopt(url, options);
  expect(result.adopted.map((m) => m.fileName)).toEqual(['0001_create_users.sql', '0002_create_orders.sql', '0003_add_orders_index.sql']);
  expect(result.pending).toEqual(['0004_create_audit.sql']);
  expect(await recorded(url)).toEqual([['0001', 'adopted'], ['0002', 'adopted'], ['0003', 'adopted']]);
  expect(await queryRows(url, `SELECT * FROM ${table} ORDER BY 1`)).toEqual(before);
  // Run again (a second deploy): nothing more is recorded.
  expect((await adopt(url, options)).alreadyAdopted).toBe(true);
  const statuses = await readMigrationStatus(postgresConnector(url), migrationsOf(FILES));
  expect(statuses.map((s) => s.state)).toEqual(['baseline', 'baseline', 'baseline', 'pending']);
  const run = await applyMigrationSet(postgresConnector(url), migrationsOf(FILES));
  expect(run.applied.map((m) => m.version)).toEqual(['0004']);
}

async function refusal(url: string, options: AdoptOptions, files = FILES): Promise<string> {
  const error = await adopt(url, options, files).then(() => undefined, (e: Error) => e);
  expect(error).toBeDefined();
  expect(await recorded(url)).toEqual([]);
  return error!.message;
}

// As Flyway 10 creates it on PostgreSQL.
const FLYWAY_TABLE = `CREATE TABLE "public"."flyway_schema_history" (
  "installed_rank" INT NOT NULL, "version" VARCHAR(50), "description" VARCHAR(200) NOT NULL, "type" VARCHAR(20) NOT NULL,
  "script" VARCHAR(1000) NOT NULL, "checksum" INTEGER, "installed_by" VARCHAR(100) NOT NULL,
  "installed_on" TIMESTAMP NOT NULL DEFAULT now(), "execution_time" INTEGER NOT NULL, "success" BOOLEAN NOT NULL);
ALTER TABLE "public"."flyway_schema_history" ADD CONSTRAINT "flyway_schema_history_pk" PRIMARY KEY ("installed_rank");
CREATE INDEX "flyway_schema_history_s_idx" ON "public"."flyway_schema_history" ("success");`;
const flywayRow = (rank: number, version: string | null, script: string, success = true, type = 'SQL') =>
  `INSERT INTO flyway_schema_history VALUES (${rank}, ${version === null ? 'NULL' : `'${version}'`}, 'x', '${type}', '${script}', 12345, 'admin', now(), 5, ${success});`;
const FLYWAY_OK = [flywayRow(1, '1', 'V1__create_users.sql'), flywayRow(2, '2', 'V2__create_orders.sql'), flywayRow(3, '3', 'V3__add_orders_index.sql')].join('\n');

describe('flyway', () => {
  test('adopts V1..V3 as 0001..0003 by version, leaves flyway_schema_history as it was, then applies 0004', async () => {
    const url = await databaseWith(`${FLYWAY_TABLE}\n${FLYWAY_OK}\n${flywayRow(4, null, 'R__refresh_view.sql')}`);
    await adoptThenApply(url, { from: 'flyway' }, 'flyway_schema_history');
  });

  test('a BASELINE row covers every version up to it', async () => {
    const url = await databaseWith(`${FLYWAY_TABLE}\n${flywayRow(1, '2', '<< Flyway Baseline >>', true, 'BASELINE')}\n${flywayRow(2, '3', 'V3__add_orders_index.sql')}`);
    expect((await adopt(url, { from: 'flyway' })).adopted.map((m) => m.version)).toEqual(['0001', '0002', '0003']);
  });

  test('refuses a failed migration', async () => {
    const url = await databaseWith(`${FLYWAY_TABLE}\n${FLYWAY_OK}\n${flywayRow(4, '4', 'V4__create_audit.sql', false)}`);
    expect(await refusal(url, { from: 'flyway' })).toMatch(/V4__create_audit\.sql \(Flyway version 4\) failed \(success = false\)/);
  });

  test('refuses a dotted version that maps to no file name', async () => {
    const url = await databaseWith(`${FLYWAY_TABLE}\n${FLYWAY_OK}\n${flywayRow(4, '3.1', 'V3_1__fix.sql')}`);
    expect(await refusal(url, { from: 'flyway' })).toMatch(/version 3\.1 maps to no file name here .* ambiguous/);
  });

  test('refuses a history entry without a file', async () => {
    const url = await databaseWith(`${FLYWAY_TABLE}\n${FLYWAY_OK}\n${flywayRow(4, '5', 'V5__later.sql')}`);
    expect(await refusal(url, { from: 'flyway' })).toMatch(/V5__later\.sql \(Flyway version 5\) has no file in this set/);
  });

  test('refuses a file older than the newest adopted one that is not in the history', async () => {
    const url = await databaseWith(`${FLYWAY_TABLE}\n${flywayRow(1, '1', 'V1__create_users.sql')}\n${flywayRow(2, '3', 'V3__add_orders_index.sql')}`);
    expect(await refusal(url, { from: 'flyway' })).toMatch(/0002_create_orders\.sql is older than 0003_add_orders_index\.sql, the newest file flyway applied, but public\.flyway_schema_history has no entry for it/);
  });

  test('refuses a missing table, and a table of another shape', async () => {
    const url = await databaseWith('CREATE TABLE history (id INT)');
    expect(await refusal(url, { from: 'flyway' })).toMatch(/no table flyway_schema_history \(in schema current_schema\(\) or public\): nothing to adopt from flyway/);
    expect(await refusal(url, { from: 'flyway', table: 'public.history' })).toMatch(/public\.history lacks the column\(s\) installed_rank, version, type, script, success/);
  });

  test('refuses a database this runner already migrated', async () => {
    const url = await databaseWith(`${FLYWAY_TABLE}\n${FLYWAY_OK}`);
    await applyMigrationSet(postgresConnector(url), migrationsOf({ '0004_create_audit.sql': FILES['0004_create_audit.sql'] }));
    await expect(adopt(url, { from: 'flyway' })).rejects.toThrow(/already holds 1 record\(s\) of this runner/);
  });
});

// As golang-migrate's postgres driver creates it.
const GOLANG_TABLE = 'CREATE TABLE IF NOT EXISTS "public"."schema_migrations" (version bigint not null primary key, dirty boolean not null);';

describe('golang-migrate', () => {
  test('refuses its table in place (the runner\'s own name), naming the rename; after the rename adopts up to its version', async () => {
    const url = await databaseWith(`${GOLANG_TABLE} INSERT INTO schema_migrations VALUES (3, false);`);
    const message = await refusal(url, { from: 'golang-migrate' });
    expect(message).toMatch(/golang-migrate's table is public\.schema_migrations, the name this runner needs for its own table\. Rename it first \(ALTER TABLE public\.schema_migrations RENAME TO golang_migrate_schema_migrations; .*--table golang_migrate_schema_migrations.*x-migrations-table/);
    expect(await queryRows(url, 'SELECT * FROM schema_migrations')).toEqual([{ version: '3', dirty: false }]);
    await queryRows(url, 'ALTER TABLE public.schema_migrations RENAME TO golang_migrate_schema_migrations');
    await adoptThenApply(url, { from: 'golang-migrate', table: 'golang_migrate_schema_migrations' }, 'golang_migrate_schema_migrations');
  });

  test('refuses a dirty version', async () => {
    const url = await databaseWith(`${GOLANG_TABLE} INSERT INTO schema_migrations VALUES (3, true); ALTER TABLE schema_migrations RENAME TO gm_migrations;`);
    expect(await refusal(url, { from: 'golang-migrate', table: 'gm_migrations' })).toMatch(/golang-migrate version 3 is dirty: it failed halfway/);
  });

  test('refuses a version with no file', async () => {
    const url = await databaseWith(`${GOLANG_TABLE} INSERT INTO schema_migrations VALUES (7, false); ALTER TABLE schema_migrations RENAME TO gm_migrations;`);
    expect(await refusal(url, { from: 'golang-migrate', table: 'gm_migrations' })).toMatch(/golang-migrate version 7 has no file in this set/);
  });
});

// As dbmate creates it on PostgreSQL.
const DBMATE_TABLE = 'create table if not exists public.schema_migrations (version varchar(128) primary key);';

describe('dbmate', () => {
  test('refuses its table in place; after the rename adopts by version', async () => {
    const url = await databaseWith(`${DBMATE_TABLE} insert into public.schema_migrations (version) values ('0001'), ('0002'), ('0003');`);
    expect(await refusal(url, { from: 'dbmate' })).toMatch(/dbmate's table is public\.schema_migrations.*--migrations-table/);
    await queryRows(url, 'ALTER TABLE public.schema_migrations RENAME TO dbmate_migrations');
    await adoptThenApply(url, { from: 'dbmate', table: 'public.dbmate_migrations' }, 'dbmate_migrations');
  });

  test('refuses a timestamp version with no file, and a gap in the history', async () => {
    const url = await databaseWith(`${DBMATE_TABLE} insert into schema_migrations values ('0001'), ('0003'), ('20240101120000'); alter table schema_migrations rename to dbmate_migrations;`);
    const message = await refusal(url, { from: 'dbmate', table: 'dbmate_migrations' });
    expect(message).toMatch(/dbmate version 20240101120000 has no file in this set/);
    expect(message).toMatch(/0002_create_orders\.sql is older than 0003_add_orders_index\.sql, the newest file dbmate applied, but public\.dbmate_migrations has no entry for it/);
  });
});

// As Prisma Migrate creates it.
const PRISMA_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ, "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT, "rolled_back_at" TIMESTAMPTZ, "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0);`;
const prismaRow = (id: number, name: string, finished: boolean, rolledBack = false) =>
  `INSERT INTO _prisma_migrations VALUES ('id-${id}', 'c', ${finished ? 'now()' : 'NULL'}, '${name}', NULL, ${rolledBack ? 'now()' : 'NULL'}, now() + interval '${id} second', 1);`;
const PRISMA_OK = [
  prismaRow(1, '20240101000000_create_users', true),
  prismaRow(2, '20240102000000_create_orders', true),
  prismaRow(3, '20240103000000_add_orders_index', true),
].join('\n');

describe('prisma', () => {
  test('maps each folder to the one file with its description, in Prisma\'s order', async () => {
    const url = await databaseWith(`${PRISMA_TABLE}\n${PRISMA_OK}`);
    await adoptThenApply(url, { from: 'prisma' }, '_prisma_migrations');
  });

  test('maps a folder to a file named after it first, and adopts a migration applied again after a rollback', async () => {
    const url = await databaseWith(`${PRISMA_TABLE}\n${prismaRow(1, '20240101000000_create_users', false, true)}\n${prismaRow(2, '20240101000000_create_users', true)}`);
    const files = { '20240101000000_create_users.sql': FILES['0001_create_users.sql'], '20240105000000_create_users.sql': FILES['0001_create_users.sql'] };
    expect((await adopt(url, { from: 'prisma', dryRun: true }, files)).adopted.map((m) => m.fileName)).toEqual(['20240101000000_create_users.sql']);
  });

  test('refuses a rolled-back migration and a failed one', async () => {
    const url = await databaseWith(`${PRISMA_TABLE}\n${PRISMA_OK}\n${prismaRow(4, '20240104000000_create_audit', false, true)}\n${prismaRow(5, '20240105000000_more', false)}`);
    const message = await refusal(url, { from: 'prisma' });
    expect(message).toMatch(/Prisma migration 20240104000000_create_audit was rolled back/);
    expect(message).toMatch(/Prisma migration 20240105000000_more failed or has not finished/);
  });

  test('refuses an ambiguous mapping: two files with the description, or files in another order', async () => {
    const url = await databaseWith(`${PRISMA_TABLE}\n${PRISMA_OK}`);
    const twice = { ...FILES, '0005_create_users.sql': 'SELECT 1;\n' };
    expect(await refusal(url, { from: 'prisma' }, twice)).toMatch(/Prisma migration 20240101000000_create_users matches several files \(0001_create_users\.sql, 0005_create_users\.sql\): the mapping is ambiguous/);
    const swapped = { '0001_create_orders.sql': FILES['0002_create_orders.sql'], '0002_create_users.sql': FILES['0001_create_users.sql'], '0003_add_orders_index.sql': FILES['0003_add_orders_index.sql'] };
    expect(await refusal(url, { from: 'prisma' }, swapped)).toMatch(/prisma applied the file mapped to 0002_create_users\.sql before the one mapped to 0001_create_orders\.sql/);
  });
});

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
// As drizzle-orm's PostgreSQL migrator creates it (schema `drizzle` by default).
const DRIZZLE_TABLE = 'CREATE SCHEMA IF NOT EXISTS "drizzle"; CREATE TABLE IF NOT EXISTS "drizzle"."__drizzle_migrations" (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint);';
const drizzleRows = (...files: string[]) =>
  files.map((f, i) => `INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES ('${sha256(FILES[f] ?? f)}', ${1700000000000 + i});`).join('\n');

describe('drizzle', () => {
  test('matches files by the sha256 of their text, in schema drizzle', async () => {
    const url = await databaseWith(`${DRIZZLE_TABLE}\n${drizzleRows('0001_create_users.sql', '0002_create_orders.sql', '0003_add_orders_index.sql')}`);
    await adoptThenApply(url, { from: 'drizzle' }, 'drizzle.__drizzle_migrations');
  });

  test('refuses a hash no file has (a file edited after Drizzle applied it), and two files with the same text', async () => {
    const url = await databaseWith(`${DRIZZLE_TABLE}\n${drizzleRows('0001_create_users.sql', 'CREATE TABLE edited (id INT);\n')}`);
    expect(await refusal(url, { from: 'drizzle' })).toMatch(/Drizzle migration 2 \(hash [0-9a-f]{12}…\) has no file in this set/);
    const url2 = await databaseWith(`${DRIZZLE_TABLE}\n${drizzleRows('0001_create_users.sql')}`);
    const copy = { ...FILES, '0005_create_users_again.sql': FILES['0001_create_users.sql'] };
    expect(await refusal(url2, { from: 'drizzle' }, copy)).toMatch(/matches several files \(0001_create_users\.sql, 0005_create_users_again\.sql\)/);
  });
});
