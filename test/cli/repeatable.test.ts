/**
 * Repeatable files (`R__description.sql`) through the CLI: `new --repeatable`, `status`, `plan`
 * and `apply`, on PostgreSQL 16.
 */
import './support/require-bundles';
import * as fs from 'fs';
import * as path from 'path';
import { freshDatabase } from '../support/database';
import { tempDir } from '../support/harness';
import { cli, query, requireBundles, writeMigrations } from './support/cli';

beforeAll(requireBundles);

test('new --repeatable drafts R__name.sql; status, plan and apply know repeatable files', async () => {
  const url = await freshDatabase('cli_repeatable');
  const dir = writeMigrations(tempDir('cli-repeatable'), {
    '0001_items.sql': 'CREATE TABLE IF NOT EXISTS items (id INT PRIMARY KEY, owner TEXT);\n',
  });

  const created = await cli(['new', '--repeatable', 'owned items', '--dir', dir]);
  expect(created.code).toBe(0);
  const file = path.join(dir, 'R__owned_items.sql');
  expect(created.stdout).toContain(`Created ${file}`);
  expect(fs.readFileSync(file, 'utf8')).toMatch(/^-- repeatable owned items\n-- Applied after the versioned files, and again whole/);
  // A draft until its draft line is deleted, as `new` makes every file; and never made twice.
  expect((await cli(['apply', '--dir', dir, '--url', url])).stderr).toContain('R__owned_items.sql');
  const twice = await cli(['new', '--repeatable', 'owned items', '--dir', dir]);
  expect(twice.code).not.toBe(0);
  expect(twice.stderr).toContain('already exists');

  fs.writeFileSync(file, "CREATE OR REPLACE VIEW owned_items AS SELECT id FROM items WHERE owner = '${{ owner }}';\n");
  const plan = await cli(['plan', '--dir', dir, '--url', url, '--param', 'owner=app']);
  expect(plan.code).toBe(0);
  expect(plan.stdout).toContain('-- R__owned_items.sql: repeatable, never applied, whole');
  expect(plan.stdout.indexOf('-- 0001_items.sql')).toBeLessThan(plan.stdout.indexOf('-- R__owned_items.sql'));
  expect(plan.stdout).toContain('-- records R__owned_items in schema_migrations');

  const applied = await cli(['apply', '--dir', dir, '--url', url, '--param', 'owner=app']);
  expect(applied.code).toBe(0);
  expect(applied.stdout + applied.stderr).toContain('Applied 1 file and 1 repeatable file');
  // One column per field, whatever the length of a version: the names line up.
  const lines = applied.stdout.split('\n').filter((l) => l.startsWith('applied'));
  expect(lines).toHaveLength(2);
  expect(lines[0].lastIndexOf(' items')).toBe(lines[1].lastIndexOf(' owned_items'));
  expect(await query(url, 'SELECT version, kind FROM schema_migrations ORDER BY version')).toEqual([
    { version: '0001', kind: 'migration' }, { version: 'R__owned_items', kind: 'repeatable' },
  ]);

  const json = async (...extra: string[]) => JSON.parse((await cli(['status', '--dir', dir, '--url', url, '--format', 'json', ...extra])).stdout);
  const stateOf = (report: { migrations: Array<{ version: string; state: string }> }) => report.migrations.find((m) => m.version === 'R__owned_items')?.state;
  expect(stateOf(await json('--param', 'owner=app'))).toBe('applied');
  // Another value: outdated, which is no failure (exit 0); plan shows it applied again.
  const outdated = await cli(['status', '--dir', dir, '--url', url, '--param', 'owner=ops']);
  expect(outdated.code).toBe(0);
  expect(outdated.stdout).toContain('outdated (applied again by the next apply)');
  expect((await cli(['plan', '--dir', dir, '--url', url, '--param', 'owner=ops'])).stdout).toContain('repeatable, changed since it was applied');
  expect((await cli(['apply', '--dir', dir, '--url', url, '--param', 'owner=ops'])).stdout).toMatch(/applied\s+R__owned_items/);
  expect(stateOf(await json('--param', 'owner=ops'))).toBe('applied');
  expect((await cli(['apply', '--dir', dir, '--url', url, '--param', 'owner=ops'])).stdout + '').toContain('Nothing to apply');
});

test('a failing repeatable file: file:line, says the next apply runs it whole again, never the URL\'s password; plan refuses a non-rerunnable one', async () => {
  const url = await freshDatabase('cli_repeatable_fail');
  const password = new URL(url).password;
  expect(password).not.toBe('');
  const dir = writeMigrations(tempDir('cli-repeatable-fail'), {
    '0001_items.sql': 'CREATE TABLE IF NOT EXISTS items (id INT PRIMARY KEY);\n',
    'R__views.sql': 'CREATE OR REPLACE VIEW a AS SELECT id FROM items;\nCREATE OR REPLACE VIEW b AS SELECT id FROM no_such_table;\n',
  });

  const failed = await cli(['apply', '--dir', dir, '--url', url, '--verbose']);
  expect(failed.code).toBe(1);
  expect(failed.stderr).toContain(`${path.join(dir, 'R__views.sql')}:2: statement 2 failed (SQLSTATE 42P01)`);
  // No resume point inside a repeatable file: status never shows it in-progress.
  expect(failed.stderr).toContain('the next apply runs it again from its first statement');
  expect(failed.stderr).not.toContain('in-progress');
  expect(failed.stderr).not.toMatch(/\n\s+at /);
  const json = await cli(['apply', '--dir', dir, '--url', url, '--format', 'json']);
  expect(JSON.parse(json.stdout).error).toMatchObject({ kind: 'migration', version: 'R__views', line: 2 });
  const status = await cli(['status', '--dir', dir, '--url', url, '--verbose']);
  expect(status.stdout).toMatch(/R__views\s+views\s+pending/);
  for (const r of [failed, json, status]) expect(r.stdout + r.stderr).not.toContain(password);

  fs.writeFileSync(path.join(dir, 'R__views.sql'), 'CREATE VIEW b AS SELECT id FROM items;\n');
  const plan = await cli(['plan', '--dir', dir, '--url', url]);
  expect(plan.code).toBe(1);
  expect(plan.stderr).toContain('R__views.sql:1:1 error repeatable-not-rerunnable');
  expect(plan.stderr).toContain('apply refuses what cdk synth refuses');
  expect(plan.stdout + plan.stderr).not.toContain(password);
});
