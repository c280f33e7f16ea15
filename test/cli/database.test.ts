/**
 * status, plan and apply against PostgreSQL 16, run as a user runs them: the bundled CLI in a
 * child process, with the example migrations that go to DSQL.
 */
import * as fs from 'fs';
import * as path from 'path';
import { freshDatabase } from '../support/database';
import { tempDir } from '../support/harness';
import { DATABASE_URL_ENV } from '../support/local-postgres';
import { snapshot } from '../support/sessions';
import { ANSI, cli, EXAMPLE_MIGRATIONS, publicTables, query, requireBundles, writeMigrations } from './support/cli';

beforeAll(requireBundles);

/** The field names docs/cli.md gives for `plan --format json`. */
function documentedPlanKeys(): Set<string> {
  const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'cli.md'), 'utf8');
  const section = doc.slice(doc.indexOf('### `plan`'), doc.indexOf('### `apply`'));
  const schema = section.slice(section.indexOf('`--format json`'));
  return new Set([...schema.slice(0, schema.indexOf('}`') + 2).matchAll(/"(\w+)"/g)].map((m) => m[1]));
}

/** Every object key in a JSON value, at any depth. */
function keysOf(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    value.forEach((v) => keysOf(v, into));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      into.add(k);
      keysOf(v, into);
    }
  }
  return into;
}

const EXAMPLE_FILES = [
  ['0001', 'initial_schema', 3],
  ['0002', 'create_indexes', 3],
  ['0003', 'add_task_priority', 2],
  ['0004', 'backfill_task_priority', 1],
  ['0005', 'task_events', 2],
  ['0006', 'reporting_views', 2],
  ['0007', 'seed_demo_project', 5],
] as const;

describe('the example set on a fresh database: status, plan, apply, apply again', () => {
  let url: string;
  const run = (...args: string[]) => cli([...args, '--dir', EXAMPLE_MIGRATIONS, '--url', url]);
  beforeAll(async () => {
    url = await freshDatabase('cli_lifecycle');
  });

  test('status lists every file as pending and creates nothing', async () => {
    const r = await run('status');
    expect(r.code).toBe(0);
    const [header, ...rows] = r.stdout.trim().split('\n');
    expect(header).toMatch(/^VERSION +NAME +STATE +APPLIED AT$/);
    expect(rows.slice(0, 7).map((l) => l.split(/\s+/))).toEqual(EXAMPLE_FILES.map(([v, n]) => [v, n, 'pending']));
    expect(r.stdout).toMatch(/^7 pending$/m);
    expect(r.stdout).not.toMatch(ANSI);
    expect(await publicTables(url)).toEqual([]);
  });

  test('plan shows every statement in order with its transaction, as PostgreSQL receives it, and runs nothing', async () => {
    const r = await run('plan');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^-- Plan for postgres:\/\/postgres:\*\*\*\*@[^ ]+\/cli_lifecycle_\w+ \(PostgreSQL\): 7 files, 18 statements\. Nothing has been run\.$/m);
    const fileHeaders = r.stdout.split('\n').filter((l) => /^-- \d{4}_\w+\.sql$/.test(l));
    expect(fileHeaders).toEqual(EXAMPLE_FILES.map(([v, n]) => `-- ${v}_${n}.sql`));
    // ASYNC is DSQL syntax: PostgreSQL gets the translated statement.
    expect(r.stdout).toContain('-- statement 1, line 6, in its own transaction, translated for PostgreSQL\nCREATE INDEX IF NOT EXISTS projects_owner_idx ON projects (owner_id);');
    expect(r.stdout).not.toContain('ASYNC');
    // 0007 is one explicit transaction, recorded with its data.
    const seed = r.stdout.slice(r.stdout.indexOf('-- 0007_seed_demo_project.sql'));
    expect(seed.split('\n').filter((l) => !l.startsWith('-- ') && !/^\s/.test(l) && /^[A-Z]+/.test(l)).map((l) => l.split(' ')[0])).toEqual([
      'BEGIN;', 'INSERT', 'INSERT', 'INSERT', 'COMMIT;',
    ]);
    expect(seed).toMatch(/-- records 0007 in schema_migrations in this transaction\nCOMMIT;/);
    expect(r.stdout).toContain('-- records 0001 in schema_migrations');
    expect(await publicTables(url)).toEqual([]);

    const json = JSON.parse((await run('plan', '--format', 'json')).stdout);
    expect(json).toMatchObject({ schema: 'dsql-migrations/plan@1', ok: true, dialect: 'postgresql', baseline: [] });
    expect(json.files.map((f: { version: string }) => f.version)).toEqual(EXAMPLE_FILES.map(([v]) => v));
    expect(json.files[6].transactions).toEqual([expect.objectContaining({ block: true, recordsFile: true })]);
    expect(json.files[1].transactions[0].statements[0]).toMatchObject({
      number: 1,
      line: 6,
      sql: 'CREATE INDEX IF NOT EXISTS projects_owner_idx ON projects (owner_id)',
      original: 'CREATE INDEX ASYNC IF NOT EXISTS projects_owner_idx ON projects (owner_id)',
    });
    // Every field the document carries is one docs/cli.md lists for it.
    const undocumented = [...keysOf(json)].filter((k) => !documentedPlanKeys().has(k));
    expect(undocumented).toEqual([]);
    expect(await publicTables(url)).toEqual([]);
  });

  test('apply prints a line per file (version, name, statements, ms) and a summary', async () => {
    const r = await run('apply', '--strict');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(8);
    EXAMPLE_FILES.forEach(([version, name, statements], i) => {
      expect(lines[i]).toMatch(new RegExp(`^applied  ${version}  ${name} +${statements} statements? +\\d+ ms$`));
    });
    expect(lines[7]).toMatch(/^Applied 7 files \(18 statements\) in \d+ ms; database at version 0007 \(7 recorded\)\.$/);
    expect(await query(url, 'SELECT version FROM schema_migrations ORDER BY version')).toEqual(EXAMPLE_FILES.map(([version]) => ({ version })));
    expect(await publicTables(url)).toEqual(expect.arrayContaining(['projects', 'tasks', 'users', 'task_events']));
  });

  test('apply again is a no-op: nothing is applied and the database is unchanged', async () => {
    const before = await snapshot(url);
    const r = await run('apply');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Nothing to apply; database at version 0007 (7 recorded).\n');
    expect(await snapshot(url)).toEqual(before);

    const json = JSON.parse((await run('apply', '--format', 'json')).stdout);
    expect(json).toMatchObject({ schema: 'dsql-migrations/apply@1', ok: true, applied: [], latestVersion: '0007', appliedCount: 7 });
    expect(await snapshot(url)).toEqual(before);
  });

  test('status then shows every file applied, with the time; plan has nothing to do', async () => {
    const r = await run('status');
    expect(r.code).toBe(0);
    const rows = r.stdout.trim().split('\n').slice(1, 8);
    rows.forEach((row, i) => expect(row).toMatch(new RegExp(`^${EXAMPLE_FILES[i][0]} +${EXAMPLE_FILES[i][1]} +applied +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ$`)));

    const json = JSON.parse((await run('status', '--format', 'json')).stdout);
    expect(json).toMatchObject({ schema: 'dsql-migrations/status@1', ok: true, counts: { applied: 7 } });
    expect(json.migrations[0]).toMatchObject({ version: '0001', name: 'initial_schema', fileName: '0001_initial_schema.sql', state: 'applied' });
    expect(Date.parse(json.migrations[0].appliedAt)).not.toBeNaN();

    const plan = await run('plan');
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/^-- Nothing to apply to postgres:\/\/postgres:\*\*\*\*@/);
  });
});

describe('a failing statement', () => {
  test('prints file, line, SQLSTATE and message; earlier files stay applied; exit 1', async () => {
    const url = await freshDatabase('cli_fail');
    const dir = writeMigrations(tempDir('cli-fail'), {
      '0001_users.sql': 'CREATE TABLE IF NOT EXISTS users (id INT PRIMARY KEY);\n',
      '0002_broken.sql': 'CREATE TABLE IF NOT EXISTS orders (id INT PRIMARY KEY);\n\nINSERT INTO missing_table VALUES (1);\n',
      '0003_later.sql': 'CREATE TABLE IF NOT EXISTS later (id INT PRIMARY KEY);\n',
    });
    const r = await cli(['apply', '--dir', dir, '--url', url]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^applied {2}0001 {2}users +1 statement +\d+ ms\nApplied 1 file before the failure\.\n$/);
    expect(r.stderr).toContain(`error: ${path.join(dir, '0002_broken.sql')}:3: statement 2 failed (SQLSTATE 42P01)\n  relation "missing_table" does not exist\n`);
    // The message says what status will show: in-progress when some statements committed, pending otherwise.
    expect(r.stderr).toContain('This file is not recorded: status shows it in-progress when some of its statements committed');

    const status = await cli(['status', '--dir', dir, '--url', url, '--format', 'json']);
    expect(JSON.parse(status.stdout).migrations.map((m: { state: string }) => m.state)).toEqual(['applied', 'pending', 'pending']);

    const json = await cli(['apply', '--dir', dir, '--url', url, '--format', 'json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      schema: 'dsql-migrations/apply@1',
      ok: false,
      applied: [],
      error: { kind: 'migration', file: path.join(dir, '0002_broken.sql'), version: '0002', statement: 2, line: 3, sqlState: '42P01' },
    });
  });

  test('an invalid migration set stops status, plan and apply before connecting: exit 1', async () => {
    const dir = writeMigrations(tempDir('cli-invalid'), { '0001_a.sql': "SELECT 'unterminated;\n" });
    // Port 1: nothing listens there, so reaching the database would fail differently.
    // Without the lint, the loader finds it, under the lint's rule id.
    for (const command of ['status', 'plan --no-lint', 'apply --no-lint']) {
      const r = await cli([...command.split(' '), '--dir', dir, '--url', 'postgres://u:p@127.0.0.1:1/db']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`${path.join(dir, '0001_a.sql')}:1:8 error syntax-error unterminated string literal`);
    }
    // plan and apply lint first, as cdk synth does: the lint names the same place.
    for (const command of ['plan', 'apply']) {
      const linted = await cli([command, '--dir', dir, '--url', 'postgres://u:p@127.0.0.1:1/db']);
      expect(linted.code).toBe(1);
      expect(linted.stderr).toContain(`${path.join(dir, '0001_a.sql')}:1:8 error syntax-error cannot split the file into statements: unterminated string literal`);
    }
    const json = await cli(['apply', '--dir', dir, '--url', 'postgres://u:p@127.0.0.1:1/db', '--format', 'json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      schema: 'dsql-migrations/apply@1',
      ok: false,
      error: { kind: 'validation', problems: [{ fileName: '0001_a.sql', line: 1, column: 8, rule: 'syntax-error' }] },
    });
  });
});

describe('plan refuses what apply refuses', () => {
  // A file the loader accepts and the lint refuses (TRUNCATE does not run on DSQL).
  const files = { '0001_a.sql': 'CREATE TABLE t (id INT PRIMARY KEY);\n', '0002_b.sql': 'TRUNCATE t;\n' };
  const nowhere = 'postgres://u:p@127.0.0.1:1/db';

  test('a lint error: plan fails before connecting, with apply\'s lines and exit code, in text and JSON', async () => {
    const dir = writeMigrations(tempDir('cli-plan-lint'), files);
    const plan = await cli(['plan', '--dir', dir, '--url', nowhere]);
    const apply = await cli(['apply', '--dir', dir, '--url', nowhere]);
    expect(plan.code).toBe(1);
    expect(plan.code).toBe(apply.code);
    expect(plan.stderr).toContain(`${path.join(dir, '0002_b.sql')}:1:1 error truncate `);
    expect(plan.stderr).toBe(apply.stderr);
    const planJson = JSON.parse((await cli(['plan', '--dir', dir, '--url', nowhere, '--format', 'json'])).stdout);
    const applyJson = JSON.parse((await cli(['apply', '--dir', dir, '--url', nowhere, '--format', 'json'])).stdout);
    expect(planJson).toMatchObject({ schema: 'dsql-migrations/plan@1', ok: false, error: { kind: 'validation' } });
    expect(planJson.error).toEqual(applyJson.error);
  });

  test('--rule and --no-lint change what plan refuses as they change what apply refuses', async () => {
    const dir = writeMigrations(tempDir('cli-plan-lint'), files);
    const url = await freshDatabase('cli_plan_lint');
    for (const flags of [['--rule', 'truncate=warning'], ['--rule', 'truncate=off'], ['--no-lint']]) {
      const r = await cli(['plan', ...flags, '--dir', dir, '--url', url]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('TRUNCATE t;');
    }
    const unknown = await cli(['plan', '--rule', 'no-such-rule=off', '--dir', dir, '--url', url]);
    expect(unknown.code).toBe(2);
  });
});

describe('targets', () => {
  let url: string;
  let password: string;
  beforeAll(async () => {
    url = await freshDatabase('cli_targets');
    password = decodeURIComponent(new URL(url).password);
    expect(password).not.toBe('');
  });
  const status = (args: string[], env: Record<string, string> = {}) => cli(['status', '--dir', EXAMPLE_MIGRATIONS, ...args], { env });

  test('DSQL_MIGRATIONS_URL, then DATABASE_URL; a flag wins over the environment', async () => {
    expect((await status([], { DSQL_MIGRATIONS_URL: url })).code).toBe(0);
    expect((await status([], { DATABASE_URL: url })).code).toBe(0);
    // DSQL_MIGRATIONS_URL wins over DATABASE_URL (the application's own variable).
    expect((await status([], { DSQL_MIGRATIONS_URL: url, DATABASE_URL: 'postgres://u:p@127.0.0.1:1/x' })).code).toBe(0);
    expect((await status(['--url', url], { DSQL_MIGRATIONS_ENDPOINT: 'abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws' })).code).toBe(0);
  });

  test.each([
    ['no target', [], {}, /no database to connect to/],
    ['--url and --endpoint', ['--url', 'postgres://a@b/c', '--endpoint', 'x.dsql.us-east-1.on.aws'], {}, /--url and --endpoint/],
    ['both target variables', [], { DSQL_MIGRATIONS_URL: 'postgres://a@b/c', DSQL_MIGRATIONS_ENDPOINT: 'x.dsql.us-east-1.on.aws' }, /both DSQL_MIGRATIONS_URL and DSQL_MIGRATIONS_ENDPOINT/],
    ['a URL that is not postgres://', ['--url', 'mysql://root:hunter2@db/app'], {}, /must start with postgres:\/\//],
    ['an endpoint with no region', ['--endpoint', 'cluster.example.com'], {}, /no AWS region/],
  ])('%s: usage error, exit 2', async (_name, args, env, message) => {
    const r = await status(args as string[], env as Record<string, string>);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toContain('hunter2');
  });

  test('the password never appears: --verbose shows the target masked', async () => {
    const r = await status(['--url', url, '--verbose']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^target: postgres:\/\/postgres:\*\*\*\*@127\.0\.0\.1:\d+\/cli_targets_\w+$/m);
    expect(r.stdout + r.stderr).not.toContain(password);
  });

  test('a server that cannot be reached: exit 1, the target masked', async () => {
    const r = await cli(['apply', '--dir', EXAMPLE_MIGRATIONS, '--url', 'postgres://app:s3cret-pw@127.0.0.1:1/app?sslpassword=other-secret']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: cannot connect to postgres://app:****@127.0.0.1:1/app?...: connect ECONNREFUSED');
    expect(r.stderr).not.toMatch(/s3cret-pw|other-secret/);
  });

  test('a DSQL endpoint: IAM token signed with the default credential chain, never printed', async () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const r = await cli(['status', '--dir', EXAMPLE_MIGRATIONS, '--endpoint', 'abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws', '--verbose'], {
      env: { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: secret },
    });
    // There is no such cluster: the connection fails after the token was made.
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('target: dsql://admin@abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws (us-east-1)');
    expect(r.stderr).toContain('error: cannot connect to dsql://admin@abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws (us-east-1)');
    expect(r.stdout + r.stderr).not.toMatch(/X-Amz-|Signature|EXAMPLEKEY/);
  });
});

describe('fix --verify: the fixed files are applied beside the originals in DSQL-strict mode', () => {
  const server = () => process.env[DATABASE_URL_ENV]!;
  const tasks = {
    '0001_tasks.sql': 'CREATE TABLE tasks (id INT PRIMARY KEY);\nINSERT INTO tasks VALUES (1), (2);\n',
    '0002_status.sql': "ALTER TABLE tasks ADD COLUMN status VARCHAR(20) NOT NULL DEFAULT 'open';\n",
    '0003_rename.sql': 'UPDATE tasks SET id = 3 WHERE id = 1;\n',
  };

  test('--write --verify writes the fixes once every fixed file applies', async () => {
    const dir = writeMigrations(tempDir('cli-fix-verify'), tasks);
    const r = await cli(['fix', dir, '--write', '--verify', '--url', server()]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('verify (DSQL-strict mode): 1 of 1 rewritten file apply; 0 fail where the original applied');
    expect(r.stdout).toContain(`fixed ${path.join(dir, '0002_status.sql')}: 1 fix`);
  });

  test('a fixed file that fails where its original applied is named, and nothing is written', async () => {
    const jsonb = { '0001_docs.sql': 'CREATE TABLE IF NOT EXISTS docs (id INT PRIMARY KEY, doc JSONB);\n', '0002_merge.sql': 'UPDATE docs SET doc = doc || \'{"a": 1}\' WHERE id = 1;\n' };
    const dir = writeMigrations(tempDir('cli-fix-verify-jsonb'), jsonb);
    const r = await cli(['fix', dir, '--write', '--include-warnings', '--verify', '--url', server()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^0002_merge\.sql: the fixed file fails where the original applied: .*is of type json but expression is of type text/m);
    expect(r.stderr).toContain('verify (DSQL-strict mode): 1 of 1 rewritten file apply; 1 fail where the original applied');
    expect(fs.readFileSync(path.join(dir, '0001_docs.sql'), 'utf8')).toBe(jsonb['0001_docs.sql']);
  });

  test('--verify without a server is a usage error', async () => {
    const dir = writeMigrations(tempDir('cli-fix-verify-nourl'), tasks);
    const r = await cli(['fix', dir, '--verify'], { env: { DSQL_MIGRATIONS_URL: '', DATABASE_URL: '' } });
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining('--verify needs a PostgreSQL server')]);
  });
});
