import { parseMigrations } from '../../src/engine/migration-set';
import { applyMigrationSet, MigrationError, RunOptions } from '../../src/engine/runner';
import { freshDatabase, queryRows as sql } from '../support/database';
import { instrumentedConnector, QueryLog, snapshot } from '../support/sessions';

const files = (set: Record<string, string>) => parseMigrations(Object.entries(set).map(([fileName, text]) => ({ fileName, sql: text })));
const base: RunOptions = { strict: true, dialect: 'postgresql' };

const set = files({
  '0001_items.sql': 'CREATE TABLE IF NOT EXISTS items (id INT PRIMARY KEY, note TEXT);\n',
  // Lone DML, then DDL (the DML moves the ledger), then DML that records the file.
  '0002_seed.sql': "INSERT INTO items VALUES (1, 'a');\nINSERT INTO items VALUES (2, 'b');\nCREATE TABLE IF NOT EXISTS more (id INT);\nINSERT INTO more VALUES (1);\n",
  '0003_block.sql': "BEGIN;\nUPDATE items SET note = 'c' WHERE id = 1;\nINSERT INTO more VALUES (2);\nCOMMIT;\n",
});

async function run(name: string, options: RunOptions) {
  const url = await freshDatabase(name);
  const log: QueryLog = { queries: [] };
  const result = await applyMigrationSet(instrumentedConnector(url, {}, log), set, { ...base, ...options });
  return { url, result, queries: log.queries.filter((q) => !q.includes('pg_backend_pid')) };
}

describe('a DML transaction sent with its note as one message (PostgreSQL default)', () => {
  test('ends as statement by statement does, in fewer round trips, each DML transaction with its note in one query', async () => {
    const one = await run('one_message', {});
    const stepwise = await run('one_message_stepwise', { oneMessageTransactions: false });
    const { lock: _a, ...oneState } = await snapshot(one.url);
    const { lock: _b, ...stepState } = await snapshot(stepwise.url);
    expect(oneState).toEqual(stepState);
    expect(one.result.applied.map((m) => m.version)).toEqual(['0001', '0002', '0003']);
    // 0002's two INSERTs with the ledger move, 0002's last INSERT with its record, 0003's block with its record.
    const messages = one.queries.filter((q) => q.includes('\n;\n'));
    expect(messages).toHaveLength(3);
    expect(messages[0]).toMatch(/^INSERT INTO items VALUES \(1, 'a'\)\n;\nINSERT INTO items VALUES \(2, 'b'\)\n;\nINSERT INTO public\.schema_migrations_progress/);
    expect(messages[2]).toMatch(/^UPDATE items SET note = 'c' WHERE id = 1\n;\nINSERT INTO more VALUES \(2\)\n;\nWITH history AS/);
    expect(one.queries.filter((q) => /^(BEGIN|COMMIT)$/.test(q))).toEqual([]);
    // Each message replaces BEGIN, its statements, the note and COMMIT.
    expect(stepwise.queries.length - one.queries.length).toBe((2 + 2 + 1) + (2 + 1 + 1) + (2 + 2 + 1) - 3);
  });

  test('a failing statement rolls the whole message back and is named with its file and line', async () => {
    const url = await freshDatabase('one_message_error');
    const broken = files({ '0001_t.sql': 'CREATE TABLE IF NOT EXISTS t (id INT PRIMARY KEY);\n', '0002_bad.sql': "INSERT INTO t VALUES (1);\n\nINSERT INTO t VALUES ('x');\n" });
    const e = await applyMigrationSet(instrumentedConnector(url), broken, base).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(MigrationError);
    expect(e).toMatchObject({ fileName: '0002_bad.sql', line: 3, sqlState: '22P02' });
    expect(await sql(url, 'SELECT count(*)::int AS n FROM t')).toEqual([{ n: 0 }]);
    expect(await sql(url, 'SELECT version FROM schema_migrations_progress')).toEqual([]);
  });

  test('a note value that cannot be written as a literal (a backslash) sends the transaction statement by statement', async () => {
    const { url, queries, result } = await run('one_message_backslash', { owner: 'host\\runner' });
    expect(result.applied).toHaveLength(3);
    expect(queries.filter((q) => q.includes('\n;\n'))).toEqual([]);
    expect(await sql(url, 'SELECT DISTINCT applied_by FROM schema_migrations_history')).toEqual([{ applied_by: 'host\\runner' }]);
  });

  test('on DSQL each statement goes on its own unless oneMessageTransactions asks for one message', async () => {
    // DML only, so the DSQL dialect's own statements (jobs, grants) do not come into it on PostgreSQL.
    const dml = files({ '0001_t.sql': 'CREATE TABLE IF NOT EXISTS t (id INT PRIMARY KEY);\n', '0002_rows.sql': 'INSERT INTO t VALUES (1);\nINSERT INTO t VALUES (2);\n' });
    const messagesWith = async (name: string, options: RunOptions) => {
      const log: QueryLog = { queries: [] };
      await applyMigrationSet(instrumentedConnector(await freshDatabase(name), {}, log), dml, { ...base, dialect: 'dsql', ...options });
      return log.queries.filter((q) => q.includes('\n;\n')).length;
    };
    expect(await messagesWith('one_message_dsql_default', {})).toBe(0);
    expect(await messagesWith('one_message_dsql_opt_in', { oneMessageTransactions: true })).toBe(1);
  });
});
