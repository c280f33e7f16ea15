import { postgresConnector } from '../../connectors';
import { parseMigrations } from '../../src/engine/migration-set';
import { applyMigrationSet, ConnectFn, readMigrationStatus, RunOptions, SqlSession } from '../../src/engine/runner';
import { freshDatabase, queryRows as sql } from '../support/database';

const files = (set: Record<string, string>) => parseMigrations(Object.entries(set).map(([fileName, text]) => ({ fileName, sql: text })));
const apply = (url: string, set: Record<string, string>, options: RunOptions = {}) =>
  applyMigrationSet(postgresConnector(url), files(set), { strict: true, dialect: 'postgresql', lockPollMs: 20, ...options });

let url: string;
beforeEach(async () => {
  url = await freshDatabase('realdeploy');
});

describe('explicit blocks that DSQL accepts', () => {
  // Prisma and dsql-lint's fixer write one DDL statement per BEGIN ... COMMIT.
  const prisma = {
    '0001_init.sql': 'BEGIN;\nCREATE TABLE accounts (id INT PRIMARY KEY, email TEXT);\nCOMMIT;\nBEGIN;\nCREATE TABLE orders (id INT PRIMARY KEY);\nCOMMIT;\n',
    '0002_seed.sql': "INSERT INTO accounts VALUES (1, 'a@example.com');\nBEGIN;\nALTER TABLE accounts ADD COLUMN name TEXT;\nCOMMIT;\n",
  };

  test('a block holding one DDL statement runs in strict mode: no bookkeeping write enters it', async () => {
    const result = await apply(url, prisma);
    expect(result.applied.map((m) => m.version)).toEqual(['0001', '0002']);
    expect(await sql(url, 'SELECT id, name FROM accounts')).toEqual([{ id: 1, name: null }]);
    expect(await sql(url, 'SELECT * FROM schema_migrations_progress')).toEqual([]);
  });

  test('a block DSQL refuses fails naming the file and the line, and nothing of it is recorded', async () => {
    const error = await apply(url, { '0001_bad.sql': 'SELECT 1;\nBEGIN;\nCREATE TABLE a (id INT PRIMARY KEY);\nINSERT INTO a VALUES (1);\nCOMMIT;\n' }).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/^0001_bad\.sql:\d+: .*ddl and dml/);
    expect(await sql(url, 'SELECT count(*)::int AS n FROM schema_migrations')).toEqual([{ n: 0 }]);
  });

  test("an error raised by the runner's own bookkeeping names the file and the line", async () => {
    await apply(url, {});
    // The ledger cannot be written: the bookkeeping fails, not the migration's statement.
    await sql(url, 'ALTER TABLE schema_migrations_progress ADD CONSTRAINT no_rows CHECK (false)');
    const error = await apply(url, { '0001_t.sql': 'SELECT 1;\nCREATE TABLE t (id INT PRIMARY KEY);\nCREATE TABLE u (id INT PRIMARY KEY);\n' }).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/^0001_t\.sql:1: /);
    expect((error as Error).message).toContain('no_rows');
  });
});

describe('concurrent runners read one consistent state', () => {
  const set = {
    '0001_t.sql': 'CREATE TABLE IF NOT EXISTS t (id INT PRIMARY KEY);',
    '0002_rows.sql': 'INSERT INTO t VALUES (1);',
    '0003_more.sql': 'INSERT INTO t VALUES (2);',
  };

  test('a runner that reads the state while another records files sees no false forward rollback', async () => {
    await apply(url, {});
    // Between the runner's first state query and its next one, another runner applies every file.
    let other: Promise<unknown> | undefined;
    const connect = postgresConnector(url);
    const racing: ConnectFn = async () => {
      const inner = await connect();
      const session: SqlSession = {
        async query(text, params) {
          const result = await inner.query(text, params);
          if (!other && /FROM\s+\S*schema_migrations\b/.test(text)) {
            other = apply(url, set, { owner: 'other' });
            await other;
          }
          return result;
        },
        end: () => inner.end(),
      };
      return session;
    };
    const result = await applyMigrationSet(racing, files(set), { strict: true, dialect: 'postgresql', lockPollMs: 20, owner: 'first' });
    expect(other).toBeDefined();
    expect(result.warnings).toEqual([]);
    expect(result.appliedCount).toBe(3);
  });

  test('16 runners started together log no warning', async () => {
    const results = await Promise.all(Array.from({ length: 16 }, (_, i) => apply(url, set, { owner: `runner-${i}`, lockPollMs: 10 })));
    expect(results.flatMap((r) => r.warnings)).toEqual([]);
    expect(results.reduce((n, r) => n + r.applied.length, 0)).toBe(3);
  });
});

describe('session settings in migrations', () => {
  const READER = `reader_${process.pid}_${Date.now() % 100000}`;
  const set = {
    '0001_schema.sql': 'CREATE SCHEMA IF NOT EXISTS app;',
    '0002_app.sql': 'SET search_path = app;\nCREATE TABLE IF NOT EXISTS things (id INT PRIMARY KEY);\nCREATE TABLE widgets (id INT PRIMARY KEY);\nINSERT INTO widgets VALUES (1);\n',
    '0003_dump.sql': "SELECT pg_catalog.set_config('search_path', '', false);\nCREATE TABLE public.dumped (id INT PRIMARY KEY);\nCREATE TABLE public.dumped2 (id INT PRIMARY KEY);\n",
    '0004_zone.sql': "SET TIME ZONE 'Asia/Tokyo';\nCREATE TABLE stamps (at TIMESTAMPTZ, label TEXT);\nINSERT INTO stamps VALUES ('2026-01-01 00:00', 'zone');\n",
    // Roles belong to the server: each test run makes its own.
    '0005_role.sql': `CREATE ROLE ${READER} NOLOGIN;\nSET ROLE ${READER};\nSELECT 1;\n`,
    '0006_after.sql': "CREATE TABLE after_all (id INT PRIMARY KEY);\nINSERT INTO stamps VALUES ('2026-01-01 00:00', 'default');\n",
  };

  const schemaOf = async (db: string) => ({
    tables: await sql(db, "SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema IN ('public', 'app') ORDER BY 1, 2"),
    stamps: await sql(db, "SELECT label, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS utc FROM stamps ORDER BY 1"),
  });

  test('settings made by one file end with it: one run and one run per file give the same schema', async () => {
    const result = await apply(url, set);
    expect(result.applied).toHaveLength(6);
    const oneRun = await schemaOf(url);
    expect(oneRun.tables).toEqual(expect.arrayContaining([
      { table_schema: 'app', table_name: 'things' },
      { table_schema: 'app', table_name: 'widgets' },
      { table_schema: 'public', table_name: 'after_all' },
      { table_schema: 'public', table_name: 'dumped' },
      { table_schema: 'public', table_name: 'schema_migrations' },
    ]));

    await sql(url, `DROP ROLE ${READER}`);
    const perFile = await freshDatabase('perfile');
    const names = Object.keys(set);
    for (let i = 1; i <= names.length; i++) {
      await apply(perFile, Object.fromEntries(names.slice(0, i).map((n) => [n, set[n as keyof typeof set]])));
    }
    expect(await schemaOf(perFile)).toEqual(oneRun);
    expect(await sql(perFile, 'SELECT count(*)::int AS n FROM schema_migrations')).toEqual([{ n: 6 }]);
    await sql(perFile, `DROP ROLE ${READER}`);
  });
});

describe("another tool's schema_migrations", () => {
  test.each([
    ['golang-migrate', 'CREATE TABLE schema_migrations (version BIGINT NOT NULL PRIMARY KEY, dirty BOOLEAN NOT NULL); INSERT INTO schema_migrations VALUES (20240101, false)'],
    ['dbmate', 'CREATE TABLE schema_migrations (version VARCHAR(128) PRIMARY KEY); INSERT INTO schema_migrations VALUES (\'20240101\')'],
  ])('a table written by %s is refused, unchanged, with what to do', async (tool, ddl) => {
    await sql(url, ddl);
    const before = await sql(url, "SELECT column_name FROM information_schema.columns WHERE table_name = 'schema_migrations' ORDER BY ordinal_position");
    const set = { '0001_t.sql': 'CREATE TABLE IF NOT EXISTS t (id INT PRIMARY KEY);' };
    await expect(apply(url, set)).rejects.toThrow(new RegExp(`schema_migrations .*${tool}`));
    await expect(readMigrationStatus(postgresConnector(url), files(set))).rejects.toThrow(new RegExp(`schema_migrations .*${tool}`));
    expect(await sql(url, "SELECT column_name FROM information_schema.columns WHERE table_name = 'schema_migrations' ORDER BY ordinal_position")).toEqual(before);
    expect(await sql(url, "SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 't'")).toEqual([{ n: 0 }]);
  });
});

describe("the runner's own tables", () => {
  test('tables an older version created in another current schema are pointed out, not silently replaced', async () => {
    await sql(url, 'CREATE SCHEMA legacy; CREATE TABLE legacy.schema_migrations (version TEXT PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT NOW())');
    await sql(url, `ALTER DATABASE ${new URL(url).pathname.slice(1)} SET search_path = legacy`);
    await expect(apply(url, { '0001_t.sql': 'CREATE TABLE IF NOT EXISTS t (id INT PRIMARY KEY);' })).rejects.toThrow(
      'schema_migrations is in schema legacy, not in public where the runner keeps its tables',
    );
    expect(await sql(url, "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'")).toEqual([{ n: 0 }]);
  });
});
