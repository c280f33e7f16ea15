/**
 * The commands that work on files only (new, lint, fix) and the command line itself, run as a
 * user runs them: the bundled CLI in a child process.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from '../support/harness';
import { ANSI, cli, EXAMPLE_MIGRATIONS, requireBundles, writeMigrations } from './support/cli';

beforeAll(requireBundles);

describe('the command line', () => {
  test('--help documents the commands, the environment and the exit codes', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    for (const command of ['new', 'lint', 'fix', 'status', 'plan', 'apply']) expect(r.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    for (const env of ['DSQL_MIGRATIONS_DIR', 'DSQL_MIGRATIONS_URL', 'DATABASE_URL', 'DSQL_MIGRATIONS_ENDPOINT', 'NO_COLOR']) expect(r.stdout).toContain(env);
    expect(r.stdout).toMatch(/^ {2}0 {2}success$/m);
    expect(r.stdout).toMatch(/^ {2}1 {2}a migration, lint or state check failed/m);
    expect(r.stdout).toMatch(/^ {2}2 {2}usage error/m);
    // Every variable stands apart from its meaning, however long its name.
    for (const env of ['DSQL_MIGRATIONS_CONNECT_TIMEOUT', 'DSQL_MIGRATIONS_DIALECT']) expect(r.stdout).toMatch(new RegExp(`^  ${env}  +\\S`, 'm'));
    // --dir holds the repeatable files too.
    expect(r.stdout).toContain('R__description.sql');
  });

  test('a command\'s --help shows its flags, the global ones and the exit codes', async () => {
    const r = await cli(['apply', '--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--url', '--endpoint', '--region', '--user', '--accept-changed', '--out-of-order', '--baseline', '--strict', '--format', '--dir', '--quiet', '--verbose']) {
      expect(r.stdout).toContain(flag);
    }
    expect(r.stdout).toContain('Exit codes: 0 success, 1 failure, 2 usage error');
    // "repeatable" names R__ files: a flag given more than once says so in other words.
    expect(r.stdout).not.toContain('(repeatable)');
  });

  test.each([
    ['no command', []],
    ['an unknown command', ['migrate']],
    ['an unknown flag', ['lint', '--fast']],
    ['an invalid --format', ['lint', '--format', 'yaml']],
    ['a missing argument', ['new']],
    ['--quiet with --verbose', ['lint', '--quiet', '--verbose']],
    ['a missing migrations folder', ['lint', '--dir', 'no/such/folder']],
    ['new --from a file that does not exist', ['new', 'add orders', '--from', 'no/such/file.sql', '--dir', 'no/such/folder']],
    ['plan --strict (an apply flag)', ['plan', '--strict']],
  ])('%s is a usage error: exit 2', async (_name, args) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toBe('');
  });

  test('--version prints the package version', async () => {
    const r = await cli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version);
  });
});

describe('new', () => {
  test('numbers files one past the highest version and writes a header comment', async () => {
    const dir = path.join(tempDir('cli-new'), 'migrations');
    const first = await cli(['new', 'Add users table', '--dir', dir]);
    expect(first.code).toBe(0);
    expect(first.stdout.trim()).toBe(`Created ${path.join(dir, '0001_add_users_table.sql')}`);
    const header = fs.readFileSync(path.join(dir, '0001_add_users_table.sql'), 'utf8');
    expect(header).toMatch(/^-- 0001 add users table\n--/);

    fs.writeFileSync(path.join(dir, '0007_create_orders.sql'), 'SELECT 1;\n');
    fs.writeFileSync(path.join(dir, 'README.md'), 'not a migration\n');
    const next = await cli(['new', 'addOrderIndexes', '--dir', dir, '--quiet']);
    expect(next.code).toBe(0);
    // --quiet prints just the path, for `$EDITOR $(dsql-migrations new ... -q)`.
    expect(next.stdout).toBe(`${path.join(dir, '0008_add_order_indexes.sql')}\n`);
  });

  test('without --from the file is a draft: lint refuses it until its draft line is deleted, so it is never applied empty', async () => {
    const dir = writeMigrations(tempDir('cli-new-draft'), { '0001_users.sql': 'CREATE TABLE IF NOT EXISTS users (id INT PRIMARY KEY);\n' });
    const created = await cli(['new', 'add orders', '--dir', dir]);
    expect(created.code).toBe(0);
    const file = path.join(dir, '0002_add_orders.sql');
    expect(created.stderr).toContain(`${file} is a draft: write its statements, then delete its "-- dsql-migrations: draft" line`);
    const draftLine = '-- dsql-migrations: draft: write the statements of this migration below, then delete this line.';
    expect(fs.readFileSync(file, 'utf8')).toContain(draftLine);

    // Even with a statement written, the draft line keeps it refused: lint names it, apply would refuse it too.
    fs.appendFileSync(file, 'CREATE TABLE IF NOT EXISTS orders (id INT PRIMARY KEY);\n');
    const draft = await cli(['lint', '--dir', dir, '--format', 'json']);
    expect(draft.code).toBe(1);
    expect(JSON.parse(draft.stdout).diagnostics.map((d: { file: string; line: number; ruleId: string }) => `${d.file}:${d.line} ${d.ruleId}`)).toEqual([
      `${file}:3 draft-file`,
    ]);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(`${draftLine}\n`, ''));
    expect((await cli(['lint', '--dir', dir])).code).toBe(0);
  });

  test('keeps the zero-padding width of the set, and grows it past the last number', async () => {
    const wide = writeMigrations(tempDir('cli-new-wide'), { '000041_create_users.sql': 'SELECT 1;\n' });
    const r = await cli(['new', 'add-email', '--dir', wide, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ schema: 'dsql-migrations/new@1', file: path.join(wide, '000042_add_email.sql'), version: '000042', name: 'add_email' });

    const full = writeMigrations(tempDir('cli-new-full'), { '9999_last.sql': 'SELECT 1;\n' });
    expect((await cli(['new', 'next', '--dir', full])).code).toBe(0);
    expect(fs.readdirSync(full).sort()).toEqual(['10000_next.sql', '9999_last.sql']);
  });

  test.each(['!!!', 'créer la table', 'drop table; --'])('refuses a description that is not snake_case-able (%s): exit 2, no file', async (description) => {
    const dir = writeMigrations(tempDir('cli-new-bad'), { '0001_x.sql': 'SELECT 1;\n' });
    const r = await cli(['new', description, '--dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot make a snake_case file name');
    expect(fs.readdirSync(dir)).toEqual(['0001_x.sql']);
  });
});

describe('lint', () => {
  const badSet = () =>
    writeMigrations(path.join(tempDir('cli-lint'), 'migrations'), {
      '0001_create_users.sql': 'CREATE TABLE IF NOT EXISTS users (id INT PRIMARY KEY);\nCREATE INDEX users_idx ON users (id);\n',
      '0001_duplicate.sql': 'CREATE TABLE IF NOT EXISTS b (id INT PRIMARY KEY);\n',
      'init.sql': 'SELECT 1;\n',
      '0003_empty.sql': '\n',
      '0004_unterminated.sql': "CREATE TABLE IF NOT EXISTS c (id INT PRIMARY KEY);\nSELECT 'abc;\n",
      '0005_cleanup.sql': 'DELETE FROM users;\n',
      'README.md': 'ignored\n',
    });

  test('the example set is clean: exit 0', async () => {
    const r = await cli(['lint', '--dir', EXAMPLE_MIGRATIONS]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe('7 files checked: 0 errors, 0 warnings');
  });

  test('prints file:line:col severity rule-id message for names, versions, SQL and DSQL rules: exit 1', async () => {
    const dir = badSet();
    const r = await cli(['lint'], { cwd: path.dirname(dir) });
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines.pop()).toBe('6 files checked: 5 errors, 2 warnings');
    expect(lines.map((l) => l.split(' ').slice(0, 3).join(' '))).toEqual([
      'migrations/0001_create_users.sql:2:1 warning create-without-if-not-exists',
      'migrations/0001_create_users.sql:2:8 error index-requires-async',
      'migrations/0001_duplicate.sql:1:1 error duplicate-version',
      'migrations/0003_empty.sql:1:1 error empty-file',
      'migrations/0004_unterminated.sql:2:8 error syntax-error',
      'migrations/0005_cleanup.sql:1:1 warning unbounded-dml',
      'migrations/init.sql:1:1 error file-name',
    ]);
    expect(r.stdout).toContain('version 0001 is also used by 0001_create_users.sql');
    expect(r.stdout).not.toMatch(ANSI);
  });

  test('--quiet prints errors only; --rule lowers or turns off a rule', async () => {
    const dir = badSet();
    const quiet = await cli(['lint', '--dir', dir, '-q']);
    expect(quiet.code).toBe(1);
    expect(quiet.stdout).not.toContain('warning');
    expect(quiet.stdout.trim().split('\n')).toHaveLength(5);

    const clean = writeMigrations(tempDir('cli-lint-rule'), { '0001_cleanup.sql': 'CREATE INDEX i ON t (a);\n' });
    expect((await cli(['lint', '--dir', clean])).code).toBe(1);
    const lowered = await cli(['lint', '--dir', clean, '--rule', 'index-requires-async=warning', '--rule', 'create-without-if-not-exists=off']);
    expect(lowered.code).toBe(0);
    expect(lowered.stdout).toContain('warning index-requires-async');
    expect(lowered.stdout).not.toContain('create-without-if-not-exists');
    expect((await cli(['lint', '--dir', clean, '--rule', 'no-such-rule=off'])).code).toBe(2);
    expect((await cli(['lint', '--dir', clean, '--rule', 'index-requires-async'])).code).toBe(2);
  });

  test('--format json: a versioned document with every diagnostic', async () => {
    const dir = badSet();
    const r = await cli(['lint', '--dir', dir, '--format', 'json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ schema: 'dsql-migrations/lint@1', ok: false, files: 6, errors: 5, warnings: 2 });
    expect(doc.diagnostics).toContainEqual(
      expect.objectContaining({ file: path.join(dir, '0001_create_users.sql'), line: 2, column: 8, ruleId: 'index-requires-async', severity: 'error', fixable: true }),
    );
    const clean = JSON.parse((await cli(['lint', '--dir', EXAMPLE_MIGRATIONS, '--format', 'json'])).stdout);
    expect(clean).toMatchObject({ ok: true, errors: 0, diagnostics: [] });
  });
});

describe('fix', () => {
  const drizzleLike = 'CREATE TABLE IF NOT EXISTS users (id INT PRIMARY KEY, email TEXT);\nCREATE INDEX users_email_idx ON users (email);\n\nTRUNCATE users;\n';

  test('without --write: a unified diff that applies with patch -p1, the file untouched, exit 1', async () => {
    const root = tempDir('cli-fix');
    writeMigrations(path.join(root, 'migrations'), { '0001_create_users.sql': drizzleLike });
    const r = await cli(['fix', 'migrations'], { cwd: root });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      [
        '--- a/migrations/0001_create_users.sql',
        '+++ b/migrations/0001_create_users.sql',
        '@@ -1,4 +1,4 @@',
        ' CREATE TABLE IF NOT EXISTS users (id INT PRIMARY KEY, email TEXT);',
        '-CREATE INDEX users_email_idx ON users (email);',
        '+CREATE INDEX ASYNC users_email_idx ON users (email);',
        ' ',
        '-TRUNCATE users;',
        '+DELETE FROM users;',
        '',
      ].join('\n'),
    );
    // A fix that changes behaviour is never silent.
    expect(r.stderr).toMatch(/warning: changes behaviour: migrations\/0001_create_users.sql:2 index-requires-async/);
    expect(fs.readFileSync(path.join(root, 'migrations', '0001_create_users.sql'), 'utf8')).toBe(drizzleLike);

    fs.writeFileSync(path.join(root, 'fix.diff'), r.stdout);
    const patch = spawnSync('patch', ['-p1', '-i', 'fix.diff'], { cwd: root, encoding: 'utf8' });
    expect(patch.status).toBe(0);
    expect(fs.readFileSync(path.join(root, 'migrations', '0001_create_users.sql'), 'utf8')).toBe(
      'CREATE TABLE IF NOT EXISTS users (id INT PRIMARY KEY, email TEXT);\nCREATE INDEX ASYNC users_email_idx ON users (email);\n\nDELETE FROM users;\n',
    );
  });

  test('--write rewrites the file (keeping CRLF line endings); lint then passes; fix again changes nothing', async () => {
    const dir = writeMigrations(tempDir('cli-fix-write'), { '0001_create_users.sql': drizzleLike.replace(/\n/g, '\r\n') });
    const file = path.join(dir, '0001_create_users.sql');
    const r = await cli(['fix', file, '--write', '--include-warnings']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`fixed ${file}: 3 fixes`);
    // The count counts the fixes listed: every fix gets a line, behaviour changes as warnings.
    expect(r.stderr.split('\n').filter((l) => l.includes(`${file}:`)).map((l) => /:\d+ ([a-z-]+): /.exec(l)?.[1]).sort()).toEqual(['create-without-if-not-exists', 'index-requires-async', 'truncate']);
    expect(fs.readFileSync(file, 'utf8')).toBe(
      'CREATE TABLE IF NOT EXISTS users (id INT PRIMARY KEY, email TEXT);\r\nCREATE INDEX ASYNC IF NOT EXISTS users_email_idx ON users (email);\r\n\r\nDELETE FROM users;\r\n',
    );
    expect((await cli(['lint', '--dir', dir])).code).toBe(0);
    const again = await cli(['fix', file]);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('');
  });

  test('errors that no fix can rewrite are listed and exit 1, even with --write', async () => {
    const dir = writeMigrations(tempDir('cli-fix-left'), { '0001_types.sql': 'CREATE TYPE mood AS ENUM (\'ok\');\n' });
    const r = await cli(['fix', dir, '--write', '--format', 'json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ schema: 'dsql-migrations/fix@1', ok: false, write: true });
    expect(doc.files[0]).toMatchObject({ changed: false, fixes: [] });
    expect(doc.files[0].remaining).toContainEqual(expect.objectContaining({ ruleId: 'create-type', severity: 'error' }));
  });

  test('a path that does not exist is a usage error', async () => {
    expect((await cli(['fix', 'no/such/file.sql'])).code).toBe(2);
  });
});
