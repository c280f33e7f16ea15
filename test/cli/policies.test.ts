/**
 * The flags that decide what apply runs (--accept-changed, --out-of-order, --baseline, --strict),
 * seen through status, plan and apply alike; and how plan shows DSQL-only statements on PostgreSQL.
 */
import * as fs from 'fs';
import * as path from 'path';
import { freshDatabase } from '../support/database';
import { tempDir } from '../support/harness';
import { cli, publicTables, query, requireBundles, writeMigrations } from './support/cli';

beforeAll(requireBundles);

const table = (name: string) => `CREATE TABLE IF NOT EXISTS ${name} (id INT PRIMARY KEY);\n`;

test('a changed file and an out-of-order file: status and plan exit 1, apply refuses until both are accepted', async () => {
  const url = await freshDatabase('cli_drift');
  const dir = writeMigrations(tempDir('cli-drift'), { '0001_a.sql': table('a'), '0003_c.sql': table('c') });
  expect((await cli(['apply', '--dir', dir, '--url', url])).code).toBe(0);
  fs.appendFileSync(path.join(dir, '0001_a.sql'), '-- edited after it was applied\n');
  fs.writeFileSync(path.join(dir, '0002_b.sql'), table('b'));

  const status = await cli(['status', '--dir', dir, '--url', url]);
  expect(status.code).toBe(1);
  expect(status.stdout.split('\n').slice(1, 4).map((l) => l.split(/\s+/).slice(0, 3))).toEqual([
    ['0001', 'a', 'changed'],
    ['0002', 'b', 'out-of-order'],
    ['0003', 'c', 'applied'],
  ]);
  expect(status.stderr).toContain('error: 0001_a.sql was changed after it was applied');
  expect(status.stderr).toContain('error: 0002_b.sql is older than the newest applied migration');
  expect(JSON.parse((await cli(['status', '--dir', dir, '--url', url, '--format', 'json'])).stdout)).toMatchObject({ ok: false, counts: { 'changed': 1, 'out-of-order': 1, 'applied': 1 } });

  const plan = await cli(['plan', '--dir', dir, '--url', url]);
  expect(plan.code).toBe(1);
  expect(plan.stderr).toContain('apply would stop');
  const refused = await cli(['apply', '--dir', dir, '--url', url]);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(/0001_a\.sql was changed after it was applied: recorded checksum [0-9a-f]{64}, file checksum [0-9a-f]{64}/);
  expect(await publicTables(url)).not.toContain('b');

  // Accepting one is not enough: the out-of-order file still stops the run.
  expect((await cli(['apply', '--dir', dir, '--url', url, '--accept-changed'])).code).toBe(1);
  const plannedBoth = await cli(['plan', '--dir', dir, '--url', url, '--accept-changed', '--out-of-order']);
  expect(plannedBoth.code).toBe(0);
  expect(plannedBoth.stdout).toContain('-- 0002_b.sql\n');
  const accepted = await cli(['apply', '--dir', dir, '--url', url, '--accept-changed', '--out-of-order']);
  expect(accepted.code).toBe(0);
  expect(accepted.stdout).toMatch(/^applied {2}0002 {2}b +1 statement/m);
  expect(accepted.stderr).toMatch(/^warning: 0001_a\.sql was changed after it was applied.*\(accepted\)$/m);
  expect(await publicTables(url)).toContain('b');
});

test('--baseline adopts a database that already holds the schema: plan shows it, apply records without running', async () => {
  const url = await freshDatabase('cli_baseline');
  await query(url, 'CREATE TABLE a (id INT PRIMARY KEY)');
  // Running 0001 would fail: the table exists and the file does not say IF NOT EXISTS.
  const dir = writeMigrations(tempDir('cli-baseline'), { '0001_a.sql': 'CREATE TABLE a (id INT PRIMARY KEY);\n', '0002_b.sql': table('b') });

  const plan = await cli(['plan', '--dir', dir, '--url', url, '--baseline', '0001']);
  expect(plan.code).toBe(0);
  expect(plan.stdout).toContain('-- Baseline: records 0001..0001 (1 file) in schema_migrations without running them.');
  expect(plan.stdout).not.toContain('-- 0001_a.sql');
  expect(plan.stdout).toContain('-- 0002_b.sql');
  expect(await publicTables(url)).toEqual(['a']);

  const apply = await cli(['apply', '--dir', dir, '--url', url, '--baseline', '0001']);
  expect(apply.code).toBe(0);
  expect(apply.stdout).not.toMatch(/^applied {2}0001/m);
  expect(apply.stdout).toMatch(/^applied {2}0002/m);
  const status = JSON.parse((await cli(['status', '--dir', dir, '--url', url, '--format', 'json'])).stdout);
  expect(status.migrations.map((m: { state: string }) => m.state)).toEqual(['baseline', 'applied']);
});

test('--strict refuses on PostgreSQL what DSQL refuses: DDL and DML in one transaction', async () => {
  const dir = writeMigrations(tempDir('cli-strict'), {
    '0001_mixed.sql': 'BEGIN;\nCREATE TABLE IF NOT EXISTS t (id INT PRIMARY KEY);\nINSERT INTO t VALUES (1);\nCOMMIT;\n',
  });
  const strictUrl = await freshDatabase('cli_strict');
  // The lint refuses the file first, as cdk synth would; --no-lint lets the strict mode see it.
  const linted = await cli(['apply', '--dir', dir, '--url', strictUrl, '--strict']);
  expect(linted.code).toBe(1);
  expect(linted.stderr).toContain(`${path.join(dir, '0001_mixed.sql')}:3:1 error ddl-and-dml-in-transaction`);
  const strict = await cli(['apply', '--dir', dir, '--url', strictUrl, '--strict', '--no-lint']);
  expect(strict.code).toBe(1);
  expect(strict.stderr).toContain(`error: ${path.join(dir, '0001_mixed.sql')}:3: statement 3 failed (SQLSTATE 0A000)`);
  expect(strict.stderr).toContain('ddl and dml are not supported in the same transaction');
  // PostgreSQL itself takes the file: it is the strict mode that refused.
  expect((await cli(['apply', '--dir', dir, '--url', await freshDatabase('cli_lenient'), '--no-lint'])).code).toBe(0);
});

test('plan shows DSQL-only statements as PostgreSQL gets them: ASYNC dropped, IAM grants and job waits skipped', async () => {
  const url = await freshDatabase('cli_translate');
  const dir = writeMigrations(tempDir('cli-translate'), {
    '0001_roles.sql': [
      'CREATE TABLE IF NOT EXISTS t (id INT PRIMARY KEY, a INT);',
      'CREATE INDEX ASYNC IF NOT EXISTS t_a ON t (a);',
      "AWS IAM GRANT app TO 'arn:aws:iam::123456789012:role/app';",
      "CALL sys.wait_for_job('job-1');",
      '',
    ].join('\n'),
  });
  const pg = await cli(['plan', '--dir', dir, '--url', url]);
  expect(pg.code).toBe(0);
  expect(pg.stdout).toContain('-- statement 2, line 2, in its own transaction, translated for PostgreSQL\nCREATE INDEX IF NOT EXISTS t_a ON t (a);');
  expect(pg.stdout).toContain("-- statement 3, line 3: skipped on PostgreSQL\n-- AWS IAM GRANT app TO 'arn:aws:iam::123456789012:role/app'");
  expect(pg.stdout).toContain("-- statement 4, line 4: skipped on PostgreSQL\n-- CALL sys.wait_for_job('job-1')");
  const json = JSON.parse((await cli(['plan', '--dir', dir, '--url', url, '--format', 'json'])).stdout);
  expect(json.files[0].transactions[2].statements[0]).toMatchObject({ number: 3, sql: null, original: expect.stringMatching(/^AWS IAM GRANT/) });
  // What plan promised is what apply does.
  const apply = await cli(['apply', '--dir', dir, '--url', url]);
  expect(apply.code).toBe(0);
  expect(await query(url, "SELECT indexname FROM pg_indexes WHERE tablename = 't' ORDER BY 1")).toEqual([{ indexname: 't_a' }, { indexname: 't_pkey' }]);
});

test('a file stopped halfway: plan shows where apply resumes', async () => {
  const url = await freshDatabase('cli_resume');
  const dir = writeMigrations(tempDir('cli-resume'), {
    // The comment keeps the INSERTs in transactions of their own (consecutive DML would share one).
    '0001_two.sql': "CREATE TABLE IF NOT EXISTS a (id INT PRIMARY KEY);\nINSERT INTO a VALUES (1);\nCOMMENT ON TABLE a IS 'rows';\nINSERT INTO nope VALUES (1);\n",
  });
  expect((await cli(['apply', '--dir', dir, '--url', url])).code).toBe(1);
  const plan = await cli(['plan', '--dir', dir, '--url', url]);
  expect(plan.code).toBe(0);
  expect(plan.stdout).toContain('-- 0001_two.sql: resumes at statement 3 (statements 1-2 were committed by an earlier run)');
  expect(plan.stdout).not.toContain('INSERT INTO a VALUES');
  expect(plan.stdout).toContain("COMMENT ON TABLE a IS 'rows';");
  const status = await cli(['status', '--dir', dir, '--url', url]);
  expect(status.stdout).toMatch(/^0001 +two +in-progress \(2 statements done\)$/m);
});

test('apply lints first, as synth does: a file lint refuses is not applied, so fixing it never makes it "changed"', async () => {
  const url = await freshDatabase('cli_lint_first');
  const dir = writeMigrations(tempDir('cli-lint-first'), {
    '0001_orders.sql': table('orders').replace('id INT PRIMARY KEY', 'id INT PRIMARY KEY, status TEXT'),
    '0002_orders_status.sql': 'CREATE INDEX orders_status_idx ON orders (status);\n',
  });
  const refused = await cli(['apply', '--dir', dir, '--url', url, '--strict']);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain(`${path.join(dir, '0002_orders_status.sql')}:1:8 error index-requires-async`);
  expect(refused.stderr).toContain('pass --no-lint');
  expect(await publicTables(url)).toEqual([]);

  expect((await cli(['fix', dir, '--write'])).code).toBe(0);
  const applied = await cli(['apply', '--dir', dir, '--url', url, '--strict']);
  expect(applied.code).toBe(0);
  expect(applied.stdout).toMatch(/Applied 2 files \(2 statements\)/);
  const status = await cli(['status', '--dir', dir, '--url', url, '--format', 'json']);
  expect(status.code).toBe(0);
  expect(JSON.parse(status.stdout).migrations.map((m: { state: string }) => m.state)).toEqual(['applied', 'applied']);
});

test('--rule changes a severity for apply as lint.rules does at synth; one statement is "1 statement"', async () => {
  const dir = writeMigrations(tempDir('cli-no-lint'), { '0001_idx.sql': 'CREATE INDEX orders_status_idx ON orders (status);\n' });
  const lowered = await cli(['apply', '--dir', dir, '--url', await freshDatabase('cli_rule'), '--rule', 'index-requires-async=off']);
  // Past the lint: PostgreSQL itself refuses, as there is no table.
  expect(lowered.stderr).toContain('statement 1 failed (SQLSTATE 42P01)');

  const one = writeMigrations(tempDir('cli-one'), { '0001_one.sql': table('one') });
  const r = await cli(['apply', '--dir', one, '--url', await freshDatabase('cli_one')]);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/Applied 1 file \(1 statement\) in \d+ ms/);
});
