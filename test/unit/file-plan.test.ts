import { Dialect } from '../../src/engine/dialect';
import { DML_GROUP_SIZE, oneByOne, planFile } from '../../src/engine/file-plan';
import { parseMigrations } from '../../src/engine/migration-set';

/**
 * A file's plan in one line per step: `intent` (ledger row before), `BEGIN`/`COMMIT`, statement
 * numbers (1-based; `-N` when the dialect skips it), `ledger` / `record` inside, `replay`, `reset`.
 */
function shape(sql: string, from = 0, dialect: Dialect = 'postgresql'): string[] {
  const [migration] = parseMigrations([{ fileName: '0001_test.sql', sql }]);
  const plan = planFile(migration, from, dialect);
  const numbers = (list: ReadonlyArray<{ statement: { index: number }; text: string | undefined }>) =>
    list.map((s) => `${s.text === undefined ? '-' : ''}${s.statement.index + 1}`).join(',');
  const steps: string[] = [];
  if (plan.replay.length > 0) steps.push(`replay ${numbers(plan.replay)}`);
  for (const t of plan.transactions) {
    const parts = [t.intentBefore ? 'intent' : '', t.block ? 'BEGIN' : '', numbers(t.statements), t.ledgerInside ? 'ledger' : '', t.recordsFile ? 'record' : '', t.block ? 'COMMIT' : ''];
    steps.push(`${t.kind}: ${parts.filter((p) => p !== '').join(' ')}`);
  }
  for (const r of plan.resets) steps.push(r);
  if (plan.recordsAfter) steps.push('record');
  return steps;
}

interface Row {
  readonly sql: string;
  readonly from?: number;
  readonly dialect?: Dialect;
  readonly plan: string[];
}

const rows: Record<string, Row> = {
  'repeatable DDL runs alone with no notes; the file is recorded after': {
    sql: 'CREATE TABLE IF NOT EXISTS t (id INT PRIMARY KEY);\nCREATE INDEX IF NOT EXISTS t_i ON t (id);',
    plan: ['alone: 1', 'alone: 2', 'record'],
  },
  'DDL that cannot be repeated gets a ledger intent before it': {
    sql: 'CREATE TABLE t (id INT PRIMARY KEY);',
    plan: ['alone: intent 1', 'record'],
  },
  'lone DML is wrapped with the ledger move; the last one records the file': {
    sql: 'CREATE TABLE IF NOT EXISTS t (id INT);\nINSERT INTO t VALUES (1);\nCREATE INDEX IF NOT EXISTS t_i ON t (id);\nINSERT INTO t VALUES (2);',
    plan: ['alone: 1', 'with-notes: BEGIN 2 ledger COMMIT', 'alone: 3', 'with-notes: BEGIN 4 record COMMIT'],
  },
  'consecutive DML written outside a block shares one transaction and one ledger move': {
    sql: 'INSERT INTO t VALUES (1);\nINSERT INTO t VALUES (2);\nCREATE TABLE IF NOT EXISTS u (id INT);\nUPDATE t SET id = 3;\nDELETE FROM t WHERE id = 1;',
    plan: ['with-notes: BEGIN 1,2 ledger COMMIT', 'alone: 3', 'with-notes: BEGIN 4,5 record COMMIT'],
  },
  'a block the author wrote is not merged with the DML around it': {
    sql: 'INSERT INTO t VALUES (1);\nBEGIN;\nINSERT INTO t VALUES (2);\nCOMMIT;\nINSERT INTO t VALUES (3);',
    plan: ['with-notes: BEGIN 1 ledger COMMIT', 'with-notes: BEGIN 3 ledger COMMIT', 'with-notes: BEGIN 5 record COMMIT'],
  },
  'a DML block the author wrote carries the notes': {
    sql: 'BEGIN;\nINSERT INTO t VALUES (1);\nUPDATE t SET id = 2;\nCOMMIT;\nALTER TABLE t ADD COLUMN IF NOT EXISTS c INT;',
    plan: ['with-notes: BEGIN 2,3 ledger COMMIT', 'alone: 5', 'record'],
  },
  'a block holding DDL runs alone: no DML write of the runner may join it': {
    sql: 'BEGIN;\nCREATE TABLE t (id INT);\nCOMMIT;\nINSERT INTO t VALUES (1);',
    plan: ['alone: intent BEGIN 2 COMMIT', 'with-notes: BEGIN 4 record COMMIT'],
  },
  'a resumed file starts at its first transaction from the position and makes its session settings again': {
    sql: 'SET search_path = app;\nCREATE TABLE t (id INT);\nINSERT INTO t VALUES (1);\nCREATE TABLE IF NOT EXISTS u (id INT);\nINSERT INTO t VALUES (2);',
    from: 4,
    plan: ['replay 1', 'with-notes: BEGIN 5 record COMMIT', 'RESET search_path'],
  },
  'session settings are reset after the last transaction, before the record': {
    sql: 'SET ROLE app;\nCREATE TABLE IF NOT EXISTS t (id INT);',
    plan: ['alone: 1', 'alone: 2', 'RESET ROLE', 'record'],
  },
  'PostgreSQL skips DSQL-only statements, which stay in the plan as not sent': {
    sql: "CREATE INDEX ASYNC IF NOT EXISTS t_i ON t (id);\nCALL sys.wait_for_job('1');",
    plan: ['alone: 1', 'alone: -2', 'record'],
  },
  'DSQL receives every statement as written': {
    sql: "CREATE INDEX ASYNC IF NOT EXISTS t_i ON t (id);\nCALL sys.wait_for_job('1');",
    dialect: 'dsql',
    plan: ['alone: 1', 'alone: 2', 'record'],
  },
  'a file resumed past its last statement only records itself': {
    sql: 'CREATE TABLE t (id INT);',
    from: 1,
    plan: ['record'],
  },
};

describe('planFile', () => {
  test.each(Object.entries(rows))('%s', (_name, row) => {
    expect(shape(row.sql, row.from, row.dialect)).toEqual(row.plan);
  });

  test(`at most ${DML_GROUP_SIZE} lone DML statements share a transaction`, () => {
    const sql = Array.from({ length: DML_GROUP_SIZE + 1 }, (_, i) => `INSERT INTO t VALUES (${i});`).join('\n');
    const [first, second] = planFile(parseMigrations([{ fileName: '0001_test.sql', sql }])[0], 0, 'postgresql').transactions;
    expect([first.statements.length, first.grouped, first.ledgerInside]).toEqual([DML_GROUP_SIZE, true, true]);
    expect([second.statements.length, second.grouped, second.recordsFile]).toEqual([1, false, true]);
  });

  test('a group refused for its size becomes one transaction per statement, the last one recording the file', () => {
    const [migration] = parseMigrations([{ fileName: '0001_test.sql', sql: 'INSERT INTO t VALUES (1);\nINSERT INTO t VALUES (2);\nINSERT INTO t VALUES (3);' }]);
    const singles = oneByOne(planFile(migration, 0, 'postgresql').transactions[0]);
    expect(singles.map((t) => [t.statements[0].statement.index, t.kind, t.block, t.ledgerInside, t.recordsFile, t.grouped])).toEqual([
      [0, 'with-notes', true, true, false, false],
      [1, 'with-notes', true, true, false, false],
      [2, 'with-notes', true, false, true, false],
    ]);
  });

  test('each statement is sent as the dialect receives it', () => {
    const [migration] = parseMigrations([{ fileName: '0001_test.sql', sql: 'CREATE INDEX ASYNC IF NOT EXISTS t_i ON t (id);' }]);
    expect(planFile(migration, 0, 'postgresql').transactions[0].statements[0].text).toBe('CREATE INDEX IF NOT EXISTS t_i ON t (id)');
    expect(planFile(migration, 0, 'dsql').transactions[0].statements[0].text).toBe('CREATE INDEX ASYNC IF NOT EXISTS t_i ON t (id)');
  });
});
