import * as path from 'path';
import { FilePlan, oneByOne, planFile } from '../../src/engine/file-plan';
import { loadMigrations, Migration, parseMigrations } from '../../src/engine/migration-set';
import { applyMigrationSet, RunnerEvent } from '../../src/engine/runner';
import { freshDatabase, queryRows } from '../support/database';
import { FaultPlan, instrumentedConnector, QueryLog } from '../support/sessions';

/** What a plan says the runner sends for a file: its statements, BEGIN/COMMIT, `ledger` and `record` writes, resets. */
function planned(plan: FilePlan): string[] {
  const out: string[] = [];
  for (const { text } of plan.replay) if (text !== undefined) out.push(text);
  for (const t of plan.transactions) {
    if (t.intentBefore) out.push('ledger');
    if (t.block) out.push('BEGIN');
    for (const { text } of t.statements) if (text !== undefined) out.push(text);
    if (t.ledgerInside) out.push('ledger');
    if (t.recordsFile) out.push('record');
    if (t.block) out.push('COMMIT');
  }
  out.push(...plan.resets);
  if (plan.recordsAfter) out.push('record');
  return out;
}

/** The same vocabulary for the queries the runner sent; its reads of state and the lease are left out. */
function sent(queries: ReadonlyArray<string>): string[] {
  const out: string[] = [];
  for (const q of queries) {
    if (/^(INSERT INTO|UPDATE) public\.schema_migrations_progress\b/.test(q)) out.push('ledger');
    else if (/^WITH history AS/.test(q)) out.push('record');
    else if (/pg_catalog|pg_backend_pid|public\.schema_migrations/.test(q)) continue;
    else out.push(q);
  }
  return out;
}

/** Applies the set through an instrumented session; returns the queries sent while each file was applied. */
async function queriesPerFile(
  url: string, migrations: ReadonlyArray<Migration>, faults: FaultPlan = {}, log: QueryLog = { queries: [] },
): Promise<Map<string, string[]>> {
  const perFile = new Map<string, string[]>();
  let from = 0;
  const onEvent = (e: RunnerEvent) => {
    if (e.event !== 'migration-applied') return;
    perFile.set(String(e.version), log.queries.slice(from));
    from = log.queries.length;
  };
  await applyMigrationSet(instrumentedConnector(url, faults, log), migrations, { dialect: 'postgresql', strict: true, oneMessageTransactions: false, log: onEvent }).catch(() => undefined);
  return perFile;
}

const shapes = parseMigrations([
  {
    fileName: '0100_shapes.sql',
    sql: [
      'SET search_path = public;',
      'CREATE TABLE plan_items (id INT PRIMARY KEY, note TEXT);',
      "INSERT INTO plan_items VALUES (1, 'one');",
      'BEGIN;\nCREATE INDEX plan_items_note ON plan_items (note);\nCOMMIT;',
      "BEGIN;\nINSERT INTO plan_items VALUES (2, 'two');\nUPDATE plan_items SET note = 'deux' WHERE id = 2;\nCOMMIT;",
      'CREATE INDEX ASYNC IF NOT EXISTS plan_items_id ON plan_items (id);',
      "CALL sys.wait_for_job('none');",
      "INSERT INTO plan_items VALUES (3, 'three');",
      "UPDATE plan_items SET note = 'trois' WHERE id = 3;",
    ].join('\n'),
  },
  {
    fileName: '0101_later.sql',
    sql: 'CREATE TABLE IF NOT EXISTS plan_later (id INT);\nINSERT INTO plan_later VALUES (1);\nCREATE INDEX IF NOT EXISTS plan_later_id ON plan_later (id);\nINSERT INTO plan_missing VALUES (1);\nINSERT INTO plan_later VALUES (2);',
  },
  { fileName: '0102_group.sql', sql: 'CREATE TABLE plan_group (id INT PRIMARY KEY);\nINSERT INTO plan_group VALUES (1);\nINSERT INTO plan_group VALUES (2);\nINSERT INTO plan_group VALUES (3);' },
]);

describe('the runner sends what planFile plans', () => {
  test('every file of the examples and of a file of every shape, from its first statement', async () => {
    const url = await freshDatabase('file_plan');
    const migrations = [...loadMigrations(path.join(__dirname, '..', '..', 'migrations')), shapes[0]];
    const perFile = await queriesPerFile(url, migrations);
    expect([...perFile.keys()]).toEqual(migrations.map((m) => m.version));
    for (const m of migrations) expect({ file: m.fileName, sent: sent(perFile.get(m.version)!) }).toEqual({ file: m.fileName, sent: planned(planFile(m, 0, 'postgresql')) });
  });

  test('a half-applied file resumes as its plan from the ledger position says', async () => {
    const url = await freshDatabase('file_plan_resume');
    const migrations = [shapes[1]];
    expect((await queriesPerFile(url, migrations)).size).toBe(0);
    const [ledger] = await queryRows(url, 'SELECT next_statement FROM schema_migrations_progress');
    expect(ledger.next_statement).toBe(2);
    expect(await queryRows(url, 'SELECT id FROM plan_later ORDER BY id')).toEqual([{ id: 1 }]);
    await queryRows(url, 'CREATE TABLE plan_missing (id INT)');
    const perFile = await queriesPerFile(url, migrations);
    expect(sent(perFile.get(shapes[1].version)!)).toEqual(planned(planFile(shapes[1], 2, 'postgresql')));
    expect(await queryRows(url, 'SELECT id FROM plan_later ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
  });

  test('a group of DML refused for its size (54000) rolls back whole and is sent one transaction per statement', async () => {
    const migrations = [shapes[2]];
    const clean: QueryLog = { queries: [] };
    await queriesPerFile(await freshDatabase('file_plan_group_clean'), migrations, {}, clean);
    const second = clean.queries.indexOf('INSERT INTO plan_group VALUES (2)') + 1;
    expect(second).toBeGreaterThan(0);

    const url = await freshDatabase('file_plan_group');
    const perFile = await queriesPerFile(url, migrations, { inject: new Map([[second, { code: '54000', message: 'transaction row limit exceeded' }]]) });
    const queries = sent(perFile.get(shapes[2].version)!);
    const plan = planFile(shapes[2], 0, 'postgresql');
    const afterRollback = queries.slice(queries.indexOf('ROLLBACK') + 1);
    expect(afterRollback).toEqual(planned({ ...plan, replay: [], resets: [], recordsAfter: false, transactions: oneByOne(plan.transactions[1]) }));
    expect(await queryRows(url, 'SELECT id FROM plan_group ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    expect(await queryRows(url, 'SELECT version FROM schema_migrations')).toEqual([{ version: shapes[2].version }]);
  });
});
