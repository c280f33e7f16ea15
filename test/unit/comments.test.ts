/**
 * Every reader of a statement skips comments the way PostgreSQL does: block comments nest, so
 * `/* a /* b *\/ c *\/` is one comment. These cases once fooled the regular expressions that some
 * readers used instead of the splitter's scanner.
 */
import { asyncObjectOf } from '../../src/engine/async-jobs';
import { classifyStatement } from '../../src/engine/classify';
import { translateForPostgres } from '../../src/engine/dialect';
import { isIdempotentStatement } from '../../src/engine/idempotency';
import { isSessionSetting } from '../../src/engine/session-settings';
import { splitStatements } from '../../src/engine/splitter';
import { fixSql } from '../../src/lint/fix';
import { FileView } from '../../src/lint/syntax';

const NESTED = '/* a /* b */ c */';

describe('a nested block comment before or inside a statement', () => {
  test('classifies the statement after it', () => {
    expect(classifyStatement(`${NESTED} CREATE INDEX ASYNC i ON t (c)`)).toBe('ddl');
    expect(classifyStatement(`${NESTED}\nINSERT INTO t VALUES (1)`)).toBe('dml');
  });

  test.each([
    [`${NESTED} CREATE INDEX ASYNC i ON t (c)`, `${NESTED} CREATE INDEX i ON t (c)`],
    [`${NESTED} CREATE UNIQUE INDEX ASYNC i ON t (c)`, `${NESTED} CREATE UNIQUE INDEX i ON t (c)`],
    ['CREATE /* x */ INDEX ASYNC i ON t (c)', 'CREATE /* x */ INDEX i ON t (c)'],
    [`${NESTED} ALTER TABLE ASYNC t VALIDATE CONSTRAINT c`, `${NESTED} ALTER TABLE t VALIDATE CONSTRAINT c`],
    [`${NESTED} CALL sys.wait_for_job('abc')`, undefined],
  ])('translates %j for PostgreSQL', (input, output) => {
    expect(translateForPostgres(input)).toBe(output);
  });

  test('names the object of an async statement', () => {
    expect(asyncObjectOf(`${NESTED} CREATE INDEX ASYNC i ON app.t (c)`)).toEqual({ kind: 'index', name: 'app.i' });
  });

  test.each([
    [`${NESTED} CREATE TABLE IF NOT EXISTS t (id INT)`, true],
    [`DROP TABLE ${NESTED} IF EXISTS t`, true],
    // A `--` inside a string is no comment: the second action stays visible.
    ["ALTER TABLE t ADD COLUMN IF NOT EXISTS a TEXT DEFAULT '--', ADD COLUMN b INT", false],
  ])('knows whether %j can run twice', (text, expected) => {
    expect(isIdempotentStatement(text)).toBe(expected);
  });

  test('a set_config in a comment makes no session setting', () => {
    expect(isSessionSetting("SELECT 1 /* set_config('app.tenant', 'x', false) */")).toBe(false);
    expect(isSessionSetting("SELECT set_config('app.tenant', 'x', false) -- for the session")).toBe(true);
  });

  test('the lint finds the semicolon that ends a statement after a nested or a line comment', () => {
    for (const between of [` ${NESTED}`, ' -- why\n']) {
      const sql = `SELECT 1${between};\nSELECT 2;\n`;
      const view = new FileView('0001_x.sql', sql, splitStatements(sql));
      expect(view.terminator(view.statements[0])).toBe(sql.indexOf(';'));
    }
  });

  test('a fix that removes a statement removes its semicolon after a nested comment too', () => {
    expect(fixSql(`VACUUM t ${NESTED};\nSELECT 1;\n`).sql).toBe('SELECT 1;\n');
  });
});
