import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { classifyStatement } from '../src/engine/classify';
import { translateForPostgres } from '../src/engine/dialect';
import { checksumOf, loadMigrations, MigrationValidationError, parseMigrations } from '../src/engine/migration-set';
import { compareVersions, isVersion, latestVersion, parseMigrationFileName, versionKey } from '../src/engine/naming';
import { planTransactions } from '../src/engine/plan';
import { splitStatements } from '../src/engine/splitter';

function problemsOf(files: Record<string, string>) {
  try {
    parseMigrations(Object.entries(files).map(([fileName, sql]) => ({ fileName, sql })));
  } catch (e) {
    if (e instanceof MigrationValidationError) return e.problems.map((p) => ({ fileName: p.fileName, rule: p.rule, line: p.line }));
    throw e;
  }
  return [];
}

describe('migration file names', () => {
  test.each(['0001_initial_schema.sql', '0042_add_x.sql', '20261125_a1_b2.sql'])('accepts %s', (name) => {
    expect(parseMigrationFileName(name)).toBeDefined();
  });
  test.each(['1_init.sql', '0001-init.sql', '0001_Init.sql', '0001_init.SQL', '0001__init.sql', 'V1__init.sql', '0001_init_.sql', '0001.sql'])('rejects %s', (name) => {
    expect(parseMigrationFileName(name)).toBeUndefined();
  });
  test('orders versions by number', () => {
    expect(['0010', '0002', '10000', '9999'].sort(compareVersions)).toEqual(['0002', '0010', '9999', '10000']);
  });
  test('one notion of a version: digits, compared by value, the latest ignoring non-versions', () => {
    expect(['0001', '00001', '20261125'].every(isVersion)).toBe(true);
    expect(['', 'V1', '1.2', ' 1'].some(isVersion)).toBe(false);
    expect(versionKey('00001')).toBe(versionKey('0001'));
    expect(versionKey('V1')).toBe('V1');
    expect(latestVersion(['0002', 'V9', '0010', '0009'])).toBe('0010');
    expect(latestVersion(['V9'])).toBeUndefined();
  });
});

describe('parseMigrations validation', () => {
  test('returns files in version order, ignoring non-migration files', () => {
    const result = parseMigrations([
      { fileName: '0002_b.sql', sql: 'SELECT 2;' },
      { fileName: 'README.md', sql: '# notes' },
      { fileName: '0001_a.sql', sql: 'SELECT 1;' },
    ]);
    expect(result.map((m) => m.fileName)).toEqual(['0001_a.sql', '0002_b.sql']);
  });

  test('names every problem: bad name, duplicate version, empty file, unterminated quote, open transaction', () => {
    expect(
      problemsOf({
        '0001_ok.sql': 'SELECT 1;',
        '0002-bad-name.sql': 'SELECT 1;',
        '001_too_short.sql': 'SELECT 1;',
        '0003_empty.sql': '  \n\n',
        '0004_unterminated.sql': "SELECT 1;\nINSERT INTO t VALUES ('oops);\n",
        '0005_open_block.sql': 'SELECT 1;\nBEGIN;\nINSERT INTO t VALUES (1);\n',
        '00001_same_number.sql': 'SELECT 1;',
      }),
    ).toEqual([
      { fileName: '00001_same_number.sql', rule: 'duplicate-version', line: undefined },
      { fileName: '0002-bad-name.sql', rule: 'file-name', line: undefined },
      { fileName: '0003_empty.sql', rule: 'empty-file', line: undefined },
      { fileName: '0004_unterminated.sql', rule: 'syntax-error', line: 2 },
      { fileName: '0005_open_block.sql', rule: 'transaction-block', line: 2 },
      { fileName: '001_too_short.sql', rule: 'file-name', line: undefined },
    ]);
  });

  test('error message names file, line and rule, in the lint format', () => {
    expect(() => parseMigrations([{ fileName: '0001_x.sql', sql: 'SELECT 1;\nSELECT $$ open;' }], 'migrations')).toThrow(
      /0001_x\.sql:2:8 error syntax-error unterminated dollar-quoted string \$\$/,
    );
  });

  test('checksums ignore BOM and line endings but nothing else', () => {
    expect(checksumOf('\uFEFFSELECT 1;\r\n')).toBe(checksumOf('SELECT 1;\n'));
    expect(checksumOf('SELECT 1;\n')).not.toBe(checksumOf('SELECT 2;\n'));
  });

  test('a file runs as written: CRLF stays in the statements; only the checksum normalises it', () => {
    const lf = "INSERT INTO t VALUES ('a\nb');\n";
    const [crlfFile] = parseMigrations([{ fileName: '0001_a.sql', sql: lf.replace(/\n/g, '\r\n') }]);
    const [lfFile] = parseMigrations([{ fileName: '0001_a.sql', sql: lf }]);
    expect(crlfFile.statements[0].text).toBe("INSERT INTO t VALUES ('a\r\nb')");
    expect(crlfFile.sql).toBe(lf.replace(/\n/g, '\r\n'));
    expect(crlfFile.checksum).toBe(lfFile.checksum);
  });

  test('a NUL character fails the file with its line and column', () => {
    expect(problemsOf({ '0001_a.sql': 'SELECT 1;\nSELECT \'a\0b\';\n' })).toEqual([{ fileName: '0001_a.sql', rule: 'nul-byte', line: 2 }]);
    expect(() => parseMigrations([{ fileName: '0001_a.sql', sql: 'SELECT 1;\nSELECT \'a\0b\';' }], 'migrations')).toThrow(
      /0001_a\.sql:2:10 error nul-byte the file contains a NUL character/,
    );
  });

  test('loadMigrations reads a folder and fails on a missing one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mig-'));
    fs.writeFileSync(path.join(dir, '0001_a.sql'), 'CREATE TABLE a (id INT PRIMARY KEY);');
    fs.mkdirSync(path.join(dir, 'archive'));
    expect(loadMigrations(dir).map((m) => m.version)).toEqual(['0001']);
    expect(() => loadMigrations(path.join(dir, 'nope'))).toThrow(/Migrations folder not found/);
  });
});

describe('statement classification and transaction plan', () => {
  test.each([
    ['CREATE TABLE a (id INT)', 'ddl'],
    ['/* c */ alter table a add column b int', 'ddl'],
    ["AWS IAM GRANT app TO 'arn:aws:iam::1:role/x'", 'ddl'],
    ['GRANT SELECT ON a TO app', 'ddl'],
    ['WITH x AS (SELECT 1) UPDATE a SET b = 1', 'dml'],
    ['INSERT INTO a VALUES (1)', 'dml'],
    ['START TRANSACTION', 'begin'],
    ['COMMIT', 'commit'],
    ['SET search_path = public', 'other'],
  ])('%s is %s', (text, kind) => {
    expect(classifyStatement(text)).toBe(kind);
  });

  test('every statement outside BEGIN/COMMIT is its own transaction; a block stays together', () => {
    const { statements } = splitStatements('CREATE TABLE a (id INT);\nCREATE INDEX ASYNC i ON a (id);\nBEGIN;\nINSERT INTO a VALUES (1);\nINSERT INTO a VALUES (2);\nCOMMIT;');
    const units = planTransactions(statements);
    expect(units.map((u) => [u.statements.length, u.explicit, u.dmlOnly])).toEqual([[1, false, false], [1, false, false], [2, true, true]]);
    // The planned statements stand in for the split ones: one object per statement.
    expect(units.flatMap((u) => u.statements).every((p) => statements[p.index] === p)).toBe(true);
  });
});

describe('PostgreSQL translation of DSQL-only syntax', () => {
  test.each([
    ['CREATE INDEX ASYNC IF NOT EXISTS i ON t (a)', 'CREATE INDEX IF NOT EXISTS i ON t (a)'],
    ['create unique index async i on t (a)', 'create unique index i on t (a)'],
    ['-- why\nCREATE INDEX ASYNC i ON t (a)', '-- why\nCREATE INDEX i ON t (a)'],
    ['ALTER TABLE ASYNC t VALIDATE CONSTRAINT c', 'ALTER TABLE t VALIDATE CONSTRAINT c'],
    ["CALL sys.wait_for_job('abc')", undefined],
    ["AWS IAM GRANT app TO 'arn:aws:iam::1:role/x'", undefined],
    ["INSERT INTO notes VALUES ('CREATE INDEX ASYNC x')", "INSERT INTO notes VALUES ('CREATE INDEX ASYNC x')"],
  ])('%s', (input, output) => {
    expect(translateForPostgres(input)).toBe(output);
  });
});

describe('idempotent statements (repeatable after an unconfirmed commit)', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { isIdempotentStatement } = require('../src/engine/idempotency') as typeof import('../src/engine/idempotency');
  test.each([
    ['CREATE TABLE IF NOT EXISTS t (id INT)', true],
    ['CREATE INDEX ASYNC IF NOT EXISTS i ON t (a)', true],
    ['CREATE OR REPLACE VIEW v AS SELECT 1', true],
    ['DROP TABLE IF EXISTS t', true],
    ['ALTER TABLE t ADD COLUMN IF NOT EXISTS price NUMERIC(12,2)', true],
    ['ALTER TABLE t ALTER COLUMN p SET DEFAULT 3', true],
    ['GRANT SELECT ON t TO app', true],
    ['CREATE TABLE t (id INT)', false],
    ['ALTER TABLE t ADD COLUMN IF NOT EXISTS a INT, RENAME COLUMN b TO c', false],
    ['ALTER TABLE t RENAME COLUMN a TO b', false],
    ["INSERT INTO t VALUES ('CREATE TABLE IF NOT EXISTS')", false],
  ])('%s → %s', (text, expected) => {
    expect(isIdempotentStatement(text)).toBe(expected);
  });
});

describe('reading a migrations folder', () => {
  const folder = (files: Record<string, string | Buffer>) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mig-'));
    for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
    return dir;
  };
  const loadProblems = (dir: string) => {
    try {
      loadMigrations(dir);
    } catch (e) {
      if (!(e instanceof MigrationValidationError)) throw e;
      return e.problems.map((p) => ({ fileName: p.fileName, rule: p.rule, line: p.line, column: p.column, message: p.message }));
    }
    return [];
  };

  test('invalid UTF-8 fails the file with the byte offset, line and column, instead of being replaced', () => {
    const bad = Buffer.concat([Buffer.from("SELECT 1;\nSELECT 'caf"), Buffer.from([0xe9]), Buffer.from("';\n")]);
    // A valid U+FFFD written in the file is text like any other.
    const dir = folder({ '0001_a.sql': bad, '0002_b.sql': "SELECT '\uFFFD';\n" });
    expect(loadProblems(dir)).toEqual([
      { fileName: '0001_a.sql', rule: 'encoding', line: 2, column: 12, message: 'invalid UTF-8 at byte offset 21 (0xe9); save the file as UTF-8' },
    ]);
  });

  test('a NUL byte fails at load time with its line', () => {
    const dir = folder({ '0001_a.sql': Buffer.from('SELECT 1;\n\nSELECT 2;\0\n') });
    expect(loadProblems(dir)).toEqual([expect.objectContaining({ fileName: '0001_a.sql', rule: 'nul-byte', line: 3, column: 10 })]);
  });

  test('one rule for folder entries: .sql names are migrations and must be readable files; other names are ignored', () => {
    const dir = folder({ '0001_a.sql': 'SELECT 1;', 'target.txt': 'SELECT 2;', '0001_a.sql.bak': 'x', '0001_a.sql~': 'x', '.0001_a.sql.swp': 'x', 'README.md': '# notes' });
    fs.symlinkSync(path.join(dir, 'target.txt'), path.join(dir, '0002_linked.sql'));
    fs.symlinkSync(path.join(dir, 'nowhere.sql'), path.join(dir, '0003_broken.sql'));
    fs.mkdirSync(path.join(dir, '0004_folder.sql'));
    fs.mkdirSync(path.join(dir, 'archive'));
    expect(loadProblems(dir)).toEqual([
      { fileName: '0003_broken.sql', rule: 'not-a-file', line: undefined, column: undefined, message: 'is a symbolic link to a file that does not exist' },
      { fileName: '0004_folder.sql', rule: 'not-a-file', line: undefined, column: undefined, message: 'is a directory; a migration must be a file' },
    ]);
    fs.rmSync(path.join(dir, '0003_broken.sql'));
    fs.rmdirSync(path.join(dir, '0004_folder.sql'));
    // A symbolic link to a regular file is read through.
    expect(loadMigrations(dir).map((m) => [m.fileName, m.statements[0].text])).toEqual([['0001_a.sql', 'SELECT 1'], ['0002_linked.sql', 'SELECT 2']]);
  });

  test('a FIFO named like a migration is refused without being opened', () => {
    const dir = folder({ '0001_a.sql': 'SELECT 1;' });
    const made = spawnSync('mkfifo', [path.join(dir, '0002_pipe.sql')]);
    if (made.status !== 0) throw new Error(`mkfifo failed: ${String(made.stderr)}`);
    expect(loadProblems(dir)).toEqual([
      { fileName: '0002_pipe.sql', rule: 'not-a-file', line: undefined, column: undefined, message: 'is not a regular file (a FIFO, socket or device); a migration must be a file' },
    ]);
  });
});
