import { postgresConnector } from '../../connectors';
import { parseMigrations } from '../../src/engine/migration-set';
import { applyMigrationSet, readMigrationStatus, RunOptions } from '../../src/engine/runner';
import { freshDatabase, queryRows as sql } from '../support/database';
import { instrumentedConnector, QueryLog } from '../support/sessions';

const files = (set: Record<string, string>) => parseMigrations(Object.entries(set).map(([fileName, text]) => ({ fileName, sql: text })));
const apply = (url: string, set: Record<string, string>, options: RunOptions = {}) =>
  applyMigrationSet(postgresConnector(url), files(set), { strict: true, dialect: 'postgresql', lockPollMs: 20, ...options });


const base = {
  '0001_items.sql': 'CREATE TABLE IF NOT EXISTS items (id INT PRIMARY KEY, label TEXT);',
  '0002_seed.sql': "INSERT INTO items VALUES (1, 'one');",
  '0003_more.sql': "INSERT INTO items VALUES (2, 'two');",
};

let url: string;
beforeEach(async () => {
  url = await freshDatabase('policies');
});

describe('checksums and drift', () => {
  test('a file changed after it was applied fails the run, naming the file and both checksums', async () => {
    await apply(url, base);
    const edited = { ...base, '0002_seed.sql': "INSERT INTO items VALUES (1, 'uno');" };
    const recorded = files(base)[1].checksum;
    const current = files(edited)[1].checksum;
    await expect(apply(url, { ...edited, '0004_next.sql': 'SELECT 1;' })).rejects.toThrow(
      `0002_seed.sql was changed after it was applied: recorded checksum ${recorded}, file checksum ${current}`,
    );
    expect(await sql(url, 'SELECT count(*)::int AS n FROM schema_migrations')).toEqual([{ n: 3 }]);
  });

  test('accepting changed files applies what is pending and warns', async () => {
    await apply(url, base);
    const result = await apply(url, { ...base, '0002_seed.sql': "INSERT INTO items VALUES (1, 'uno');", '0004_next.sql': "INSERT INTO items VALUES (4, 'four');" }, { onChangedFile: 'accept' });
    expect(result.applied.map((m) => m.version)).toEqual(['0004']);
    expect(result.warnings.join('\n')).toMatch(/0002_seed\.sql was changed after it was applied.*\(accepted\)/);
  });

  test('a table from an older version (version, name, applied_at) is upgraded, and its rows are adopted', async () => {
    await sql(url, "CREATE TABLE schema_migrations (version TEXT PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT NOW()); CREATE TABLE items (id INT PRIMARY KEY, label TEXT); INSERT INTO schema_migrations (version, name) VALUES ('0001', 'items')");
    const result = await apply(url, base);
    expect(result.applied.map((m) => m.version)).toEqual(['0002', '0003']);
    const columns = await sql(url, "SELECT column_name FROM information_schema.columns WHERE table_name = 'schema_migrations' ORDER BY ordinal_position");
    expect(columns.map((c) => c.column_name)).toEqual(['version', 'name', 'applied_at', 'checksum', 'kind']);
    const statuses = await readMigrationStatus(postgresConnector(url), files(base));
    expect(statuses.map((s) => s.state)).toEqual(['applied', 'applied', 'applied']);
  });
});

describe('missing, out-of-order, rolled back and ahead', () => {
  test('a recorded version whose file is gone is reported and the run goes on', async () => {
    await apply(url, base);
    const { ['0002_seed.sql']: _removed, ...rest } = base;
    const result = await apply(url, { ...rest, '0004_next.sql': "INSERT INTO items VALUES (4, 'four');" });
    expect(result.applied.map((m) => m.version)).toEqual(['0004']);
    expect(result.missing).toEqual(['0002']);
    expect(result.warnings).toContain('0002_seed is recorded in schema_migrations but has no file in this set');
  });

  test('a never-applied file older than the newest applied one fails by default, naming both; it applies when allowed', async () => {
    await apply(url, { '0001_items.sql': base['0001_items.sql'], '0003_more.sql': base['0003_more.sql'] });
    await expect(apply(url, base)).rejects.toThrow('0002_seed.sql is older than the newest applied migration 0003 and was never applied');
    const result = await apply(url, base, { outOfOrder: 'apply' });
    expect(result.applied.map((m) => m.version)).toEqual(['0002']);
  });

  test('a version rolled back by deleting its row in a later migration is never re-applied silently', async () => {
    const set = {
      ...base,
      '0004_undo_seed.sql': "BEGIN;\nDELETE FROM items WHERE id = 2;\nDELETE FROM schema_migrations WHERE version = '0003';\nCOMMIT;",
    };
    await apply(url, set);
    const again = await apply(url, set);
    expect(again.applied).toEqual([]);
    expect(again.warnings.join('\n')).toMatch(/0003_more\.sql was applied before and its record was deleted later \(a forward rollback\); it is not applied again/);
    expect(await sql(url, 'SELECT id FROM items ORDER BY id')).toEqual([{ id: 1 }]);
    const statuses = await readMigrationStatus(postgresConnector(url), files(set));
    expect(statuses.find((s) => s.version === '0003')?.state).toBe('rolled-back');
  });

  test('a database ahead of the set (a stack rollback) is left untouched and reported as it is', async () => {
    await apply(url, { ...base, '0004_next.sql': "INSERT INTO items VALUES (4, 'four');" });
    const log: QueryLog = { queries: [] };
    const result = await applyMigrationSet(instrumentedConnector(url, {}, log), files(base), { strict: true, dialect: 'postgresql' });
    expect(result).toMatchObject({ applied: [], latestVersion: '0004', appliedCount: 4 });
    expect(result.warnings.join('\n')).toMatch(/newer than this set \(0004\); nothing is applied/);
    expect(log.queries.filter((q) => !/^\s*SELECT/i.test(q))).toEqual([]);
  });
});

describe('baseline', () => {
  test('an existing schema is adopted at a version: files up to it are recorded as baseline, later ones applied', async () => {
    await sql(url, 'CREATE TABLE items (id INT PRIMARY KEY, label TEXT)');
    const result = await apply(url, base, { baselineVersion: '0001' });
    expect(result.applied.map((m) => m.version)).toEqual(['0002', '0003']);
    expect(await sql(url, 'SELECT version, kind FROM schema_migrations ORDER BY version')).toEqual([
      { version: '0001', kind: 'baseline' },
      { version: '0002', kind: 'migration' },
      { version: '0003', kind: 'migration' },
    ]);
    // A baseline applies once: with records present it is ignored.
    const again = await apply(url, { ...base, '0004_next.sql': 'SELECT 1;' }, { baselineVersion: '0004' });
    expect(again.applied.map((m) => m.version)).toEqual(['0004']);
    expect((await readMigrationStatus(postgresConnector(url), files(base)))[0].state).toBe('baseline');
  });

  test('a first deploy that failed on the existing schema is recovered by deploying again with a baseline', async () => {
    await sql(url, 'CREATE TABLE items (id INT PRIMARY KEY, label TEXT)');
    const strictBase = { ...base, '0001_items.sql': 'CREATE TABLE items (id INT PRIMARY KEY, label TEXT);' };
    // Without a baseline the first file meets the table it would create, and leaves its ledger intent.
    await expect(apply(url, strictBase)).rejects.toThrow(/0001_items\.sql.*already exists/);
    const result = await apply(url, strictBase, { baselineVersion: '0001' });
    expect(result.applied.map((m) => m.version)).toEqual(['0002', '0003']);
    expect(await sql(url, 'SELECT version, kind FROM schema_migrations ORDER BY version')).toEqual([
      { version: '0001', kind: 'baseline' },
      { version: '0002', kind: 'migration' },
      { version: '0003', kind: 'migration' },
    ]);
    expect(await sql(url, 'SELECT count(*)::int AS n FROM schema_migrations_progress')).toEqual([{ n: 0 }]);
  });
});

describe('half-applied files', () => {
  test('a file stopped by a failing statement resumes at that statement once fixed; its INSERTs are not repeated', async () => {
    const broken = {
      '0001_log.sql': [
        'CREATE TABLE log (id INT PRIMARY KEY, msg TEXT);',
        "INSERT INTO log VALUES (1, 'a');",
        'ALTER TABLE log ADD COLUMN at TIMESTAMPTZ;',
        "INSERT INTO log VALUES (2, 'b', NOW());",
        'ALTER TABLE log ADD COLUMN oops NO_SUCH_TYPE;',
        "INSERT INTO log VALUES (3, 'c', NOW());",
      ].join('\n'),
    };
    await expect(apply(url, broken)).rejects.toThrow(/0001_log\.sql:5: statement 5 failed \(SQLSTATE 42704\)/);
    expect(await sql(url, 'SELECT next_statement, uncertain_statement FROM schema_migrations_progress')).toEqual([{ next_statement: 4, uncertain_statement: null }]);
    const statuses = await readMigrationStatus(postgresConnector(url), files(broken));
    expect(statuses[0]).toMatchObject({ state: 'in-progress', statementsDone: 4 });

    const fixed = { '0001_log.sql': broken['0001_log.sql'].replace('oops NO_SUCH_TYPE', 'note TEXT') };
    const events: string[] = [];
    const result = await apply(url, fixed, { log: (e) => events.push(`${e.event}${e.fromStatement ? `:${e.fromStatement}` : ''}`) });
    expect(result.applied.map((m) => m.version)).toEqual(['0001']);
    expect(events).toContain('resume:5');
    expect(await sql(url, 'SELECT id FROM log ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    expect(await sql(url, 'SELECT count(*)::int AS n FROM schema_migrations_progress')).toEqual([{ n: 0 }]);
  });

  test('editing a statement that already committed in a half-applied file is refused', async () => {
    // The index between the INSERTs keeps them in transactions of their own (consecutive DML would share one).
    const broken = { '0001_log.sql': 'CREATE TABLE log (id INT PRIMARY KEY);\nINSERT INTO log VALUES (1);\nCREATE INDEX IF NOT EXISTS log_id ON log (id);\nINSERT INTO missing_table VALUES (1);' };
    await expect(apply(url, broken)).rejects.toThrow(/statement 4 failed/);
    const rewritten = { '0001_log.sql': 'CREATE TABLE log (id INT PRIMARY KEY);\nINSERT INTO log VALUES (10);\nCREATE INDEX IF NOT EXISTS log_id ON log (id);\nINSERT INTO log VALUES (2);' };
    await expect(apply(url, rewritten)).rejects.toThrow('0001_log.sql was half-applied (statements 1-2 committed) and those statements have changed since');
  });
});

describe('DSQL-strict mode on PostgreSQL', () => {
  test('refuses two DDL statements, or DDL with DML, in one transaction block', async () => {
    await expect(apply(url, { '0001_two_ddl.sql': 'BEGIN;\nCREATE TABLE a (id INT PRIMARY KEY);\nCREATE TABLE b (id INT PRIMARY KEY);\nCOMMIT;' })).rejects.toThrow(
      /statement 3 failed \(SQLSTATE 0A000\): multiple ddl statements not supported in a transaction \(DSQL strict mode\)/,
    );
    await expect(apply(url, { '0001_mixed.sql': 'BEGIN;\nCREATE TABLE c (id INT PRIMARY KEY);\nINSERT INTO c VALUES (1);\nCOMMIT;' })).rejects.toThrow(
      /ddl and dml are not supported in the same transaction/,
    );
    expect(await sql(url, "SELECT count(*)::int AS n FROM pg_tables WHERE tablename IN ('a', 'b', 'c')")).toEqual([{ n: 0 }]);
    // Without strict mode PostgreSQL itself accepts the block.
    await expect(apply(url, { '0001_two_ddl.sql': 'BEGIN;\nCREATE TABLE a (id INT PRIMARY KEY);\nCREATE TABLE b (id INT PRIMARY KEY);\nCOMMIT;' }, { strict: false })).resolves.toMatchObject({ appliedCount: 1 });
  });
});

describe('retries', () => {
  test('injected serialization failures (40001, OC000/OC001) are retried, logged with the code, and the run succeeds', async () => {
    const log: QueryLog = { queries: [] };
    const clean = { queries: [] as string[] };
    await applyMigrationSet(instrumentedConnector(await freshDatabase('retry_clean'), {}, clean), files(base), { dialect: 'postgresql' });
    // Fail the first attempt of every data statement and of one DDL.
    const inject = new Map<number, { code: string; message: string }>();
    clean.queries.forEach((q, i) => {
      if (/^INSERT INTO items|^CREATE TABLE IF NOT EXISTS items/.test(q)) inject.set(i + 1 + inject.size, { code: '40001', message: 'change conflicts with another transaction, please retry: (OC000)' });
    });
    const retries: Array<unknown> = [];
    const result = await applyMigrationSet(instrumentedConnector(url, { inject }, log), files(base), {
      dialect: 'postgresql',
      retry: { baseDelayMs: 1 },
      log: (e) => e.event === 'retry' && retries.push(e.code),
    });
    expect(inject.size).toBe(3);
    expect(result.retries).toBe(3);
    expect(retries).toEqual(['40001', '40001', '40001']);
    expect(await sql(url, 'SELECT id FROM items ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
  });

  test('a non-retryable error fails at once, without a retry', async () => {
    const log: QueryLog = { queries: [] };
    await expect(
      applyMigrationSet(instrumentedConnector(url, {}, log), files({ '0001_bad.sql': 'CREATE TABLE t (id INT PRIMARY KEY, x NO_SUCH_TYPE);' }), { dialect: 'postgresql', retry: { baseDelayMs: 1 } }),
    ).rejects.toThrow(/SQLSTATE 42704/);
    expect(log.queries.filter((q) => q.includes('NO_SUCH_TYPE'))).toHaveLength(1);
  });

  test('DSQL transaction limits (54000) fail with advice on batching', async () => {
    const inject = new Map([[0, { code: '54000', message: 'transaction row limit exceeded' }]]);
    const log: QueryLog = { queries: [] };
    // Statement by statement, as on DSQL by default: the fault is injected at one query.
    const options = { dialect: 'postgresql', oneMessageTransactions: false } as const;
    await applyMigrationSet(instrumentedConnector(url, {}, log), files(base), options);
    const url2 = await freshDatabase('limits');
    const at = log.queries.findIndex((q) => q.startsWith('INSERT INTO items VALUES (2')) + 1;
    inject.clear();
    inject.set(at, { code: '54000', message: 'transaction row limit exceeded' });
    await expect(applyMigrationSet(instrumentedConnector(url2, { inject }), files(base), options)).rejects.toThrow(
      /0003_more\.sql:1: statement 1 failed \(SQLSTATE 54000\): transaction row limit exceeded\. DSQL limits one transaction to 3,000 rows, 10 MiB and 5 minutes: split the data change into batches/,
    );
  });
});
