import * as fs from 'fs';
import * as path from 'path';
import { loadMigrations } from '../../src/engine/migration-set';
import { analyzeSql, formatDiagnostic, lintMigrations, lintSql } from '../../src/lint/lint';
import { RULES } from '../../src/lint/rules';
import { StatementView } from '../../src/lint/syntax';
import { CORPUS_DIR, describeWithShared } from '../support/shared';

describe('severities', () => {
  const sql = 'CREATE INDEX IF NOT EXISTS i ON t (c);\nUPDATE t SET a = 1;';

  test('each rule has its default severity', () => {
    expect(lintSql('m.sql', sql).map((d) => [d.ruleId, d.severity])).toEqual([
      ['index-requires-async', 'error'],
      ['unbounded-dml', 'warning'],
    ]);
  });

  test('an option lowers, raises or switches off a rule', () => {
    const ds = lintSql('m.sql', sql, { rules: { 'index-requires-async': 'warning', 'unbounded-dml': 'error' } });
    expect(ds.map((d) => [d.ruleId, d.severity])).toEqual([['index-requires-async', 'warning'], ['unbounded-dml', 'error']]);
    expect(lintSql('m.sql', sql, { rules: { 'unbounded-dml': 'off' } }).map((d) => d.ruleId)).toEqual(['index-requires-async']);
  });

  test('an unknown rule id or setting is refused', () => {
    expect(() => lintSql('m.sql', sql, { rules: { 'index-async': 'off' } })).toThrow(/Unknown lint rule id\(s\): index-async/);
    expect(() => lintSql('m.sql', sql, { rules: { truncate: 'fatal' as never } })).toThrow(/'error', 'warning' or 'off'/);
  });
});

describe('diagnostics', () => {
  test('carry file, position, rule, message, fixability and documentation link', () => {
    const [d] = lintSql('0002_idx.sql', '-- indexes\n\n  CREATE INDEX IF NOT EXISTS i ON t (c);');
    expect(d).toEqual({
      fileName: '0002_idx.sql',
      line: 3,
      column: 10,
      ruleId: 'index-requires-async',
      severity: 'error',
      message: expect.stringContaining('ASYNC'),
      fixable: true,
      docUrl: 'https://docs.aws.amazon.com/aurora-dsql/latest/userguide/create-index-syntax-support.html',
    });
    expect(formatDiagnostic(d)).toBe(`0002_idx.sql:3:10 error index-requires-async ${d.message}`);
  });

  test('a file that cannot be split yields one syntax-error diagnostic where the problem starts', () => {
    expect(lintSql('m.sql', "SELECT 1;\nSELECT 'open;").map((d) => `${d.line}:${d.column}:${d.ruleId}`)).toEqual(['2:8:syntax-error']);
  });

  test('every rule has a kebab-case id, a message, a DSQL doc link and a docs/dsql-facts.md reference', () => {
    for (const r of RULES) {
      expect(r.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(r.message.length).toBeGreaterThan(10);
      expect(r.docUrl).toMatch(/^https:\/\/(docs\.aws\.amazon\.com\/aurora-dsql\/|github\.com\/awslabs\/)/);
      // Sections of docs/dsql-facts.md (with an optional note), or a dash for the linter's own rules.
      expect(r.fact).toMatch(/^(§\d+(\.\d+)?(, §\d+(\.\d+)?)*( \(.+\))?|—)$/);
    }
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
  });
});

describe('tokens on demand', () => {
  test('after the lint, a data statement makes its tokens again on each use and keeps none; DDL keeps its tokens; kinds stay', () => {
    const { file } = analyzeSql('m.sql', "CREATE TABLE IF NOT EXISTS t (id INT PRIMARY KEY, v TEXT);\nROLLBACK TO SAVEPOINT s;\nINSERT INTO t VALUES (1, 'a;b');");
    const [create, rollbackTo, insert]: StatementView[] = file.statements;
    expect(rollbackTo.kind).toBe('other');
    expect(insert.kind).toBe('dml');
    expect(insert.tokens).not.toBe(insert.tokens);
    expect(insert.tokens).toEqual(insert.tokens);
    expect(insert.tokens.map((t) => t.text).join(' ')).toContain('a;b');
    expect(create.kind).toBe('ddl');
    expect(create.tokens).toBe(create.tokens);
  });
});

describe('migration sets', () => {
  test("this repository's migrations lint without a diagnostic", () => {
    const migrations = loadMigrations(path.join(__dirname, '..', '..', 'migrations'));
    expect(migrations.length).toBeGreaterThan(0);
    expect(lintMigrations(migrations).map(formatDiagnostic)).toEqual([]);
  });

  test('diagnostics of several files keep their file names', () => {
    const ds = lintMigrations([
      { fileName: '0001_a.sql', sql: 'CREATE TABLE IF NOT EXISTS t (id SERIAL);' },
      { fileName: '0002_b.sql', sql: 'TRUNCATE t;' },
    ]);
    expect(ds.map((d) => `${d.fileName}:${d.ruleId}`)).toEqual(['0001_a.sql:serial-type', '0002_b.sql:truncate']);
  });

  test('1,000 files lint in one call, each with its diagnostics', () => {
    const sql = fs.readFileSync(path.join(__dirname, '..', '..', 'migrations', '0001_initial_schema.sql'), 'utf8')
      + '\nCREATE INDEX i ON t (c);\nALTER TABLE t ADD COLUMN d INT DEFAULT 1;\nBEGIN;\nCREATE TABLE a (id SERIAL);\nINSERT INTO a VALUES (1);\nCOMMIT;\n';
    const files = Array.from({ length: 1000 }, (_, i) => ({ fileName: `${String(i).padStart(4, '0')}_x.sql`, sql }));
    const ds = lintMigrations(files);
    expect(ds.length).toBeGreaterThanOrEqual(5000);
    expect(new Set(ds.map((d) => d.fileName)).size).toBe(1000);
  });
});

/** Files that ran on real DSQL clusters must not be flagged as errors. */
const corpus = CORPUS_DIR;

describeWithShared('SQL that ran on real DSQL clusters', () => {
  const files = [
    path.join(corpus, 'seed-origin', '0001_initial_schema.sql'),
    path.join(corpus, 'seed-origin', '0002_create_indexes.sql'),
    ...fs.existsSync(corpus) ? fs.readdirSync(path.join(corpus, 'aws-samples-aurora-dsql-samples', 'flyway-extension')).map((f) => path.join(corpus, 'aws-samples-aurora-dsql-samples', 'flyway-extension', f)) : [],
  ];

  test.each(files.map((f) => [path.relative(corpus, f), f]))('%s has no error', (_name, file) => {
    expect(lintSql(path.basename(file), fs.readFileSync(file, 'utf8')).filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
  });

  test('the seed files lint without any diagnostic', () => {
    const ds = files.slice(0, 2).flatMap((f) => lintSql(path.basename(f), fs.readFileSync(f, 'utf8')));
    expect(ds.map(formatDiagnostic)).toEqual([]);
  });

  test('the Flyway samples draw only the warnings that apply to them', () => {
    const ds = files.slice(2).flatMap((f) => lintSql(path.basename(f), fs.readFileSync(f, 'utf8')));
    expect(ds.map((d) => `${d.fileName} ${d.ruleId}`).sort()).toEqual([
      'V13__drop_sessions_revoked_at.sql drop-without-if-exists',
      'V4__add_user_role_column.sql create-without-if-not-exists',
      'V8__add_users_last_login_at.sql create-without-if-not-exists',
      'V9__backfill_users_last_login_at.sql unbounded-dml',
    ]);
  });
});
