import * as path from 'path';
import { FilePlan, planFile } from '../../src/engine/file-plan';
import { loadMigrations, Migration, parseMigrations } from '../../src/engine/migration-set';
import { applyMigrationSet, RunnerEvent } from '../../src/engine/runner';
import { freshDatabase, queryRows } from '../support/database';
import { instrumentedConnector, QueryLog } from '../support/sessions';

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
async function queriesPerFile(url: string, migrations: ReadonlyArray<Migration>): Promise<Map<string, string[]>> {
  const log: QueryLog = { queries: [] };
  const perFile = new Map<string, string[]>();
  let from = 0;
  const onEvent = (e: RunnerEvent) => {
    if (e.event !== 'migration-applied') return;
    perFile.set(String(e.version), log.queries.slice(from));
    from = log.queries.length;
  };
  await applyMigrationSet(instrumentedConnector(url, {}, log), migrations, { dialect: 'postgresql', strict: true, log: onEvent }).catch(() => undefined);
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
    ].join('\n'),
  },
  { fileName: '0101_later.sql', sql: 'CREATE TABLE IF NOT EXISTS plan_later (id INT);\nINSERT INTO plan_later VALUES (1);\nINSERT INTO plan_missing VALUES (1);\nINSERT INTO plan_later VALUES (2);' },
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
    await queryRows(url, 'CREATE TABLE plan_missing (id INT)');
    const perFile = await queriesPerFile(url, migrations);
    expect(sent(perFile.get(shapes[1].version)!)).toEqual(planned(planFile(shapes[1], 2, 'postgresql')));
    expect(await queryRows(url, 'SELECT id FROM plan_later ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
  });
});
