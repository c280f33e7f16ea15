import { splitStatements, SqlSyntaxError } from '../src/engine/splitter';

const texts = (sql: string) => splitStatements(sql).statements.map((s) => s.text);

describe('splitStatements', () => {
  test('splits on semicolons and drops empty statements', () => {
    expect(texts('CREATE TABLE a (id INT);\n\n;  SELECT 1;')).toEqual(['CREATE TABLE a (id INT)', 'SELECT 1']);
  });

  test('keeps a last statement without semicolon', () => {
    expect(texts('SELECT 1;\nSELECT 2')).toEqual(['SELECT 1', 'SELECT 2']);
  });

  test('ignores semicolons in single-quoted strings, with doubled quotes', () => {
    expect(texts("INSERT INTO t VALUES ('a;b', 'it''s; fine');SELECT 2")).toEqual(["INSERT INTO t VALUES ('a;b', 'it''s; fine')", 'SELECT 2']);
  });

  test("honours backslash escapes only in E'' strings", () => {
    expect(texts("SELECT E'it\\'s; ok';SELECT 'C:\\';SELECT 3")).toEqual(["SELECT E'it\\'s; ok'", "SELECT 'C:\\'", 'SELECT 3']);
  });

  test('ignores semicolons in double-quoted identifiers', () => {
    expect(texts('CREATE TABLE "odd;name" ("a""b;" INT);SELECT 1')).toEqual(['CREATE TABLE "odd;name" ("a""b;" INT)', 'SELECT 1']);
  });

  test('keeps dollar-quoted bodies whole, with and without tags', () => {
    const sql = [
      'CREATE FUNCTION f() RETURNS TEXT LANGUAGE SQL AS $$ SELECT \'a;b\' $$;',
      'CREATE FUNCTION g() RETURNS TEXT LANGUAGE SQL AS $fn$ SELECT $$x;y$$ $fn$;',
      'SELECT $1::int;',
    ].join('\n');
    const result = texts(sql);
    expect(result).toHaveLength(3);
    expect(result[1]).toBe('CREATE FUNCTION g() RETURNS TEXT LANGUAGE SQL AS $fn$ SELECT $$x;y$$ $fn$');
    expect(result[2]).toBe('SELECT $1::int');
  });

  test('ignores semicolons in line comments and nested block comments', () => {
    const sql = '-- a comment; with semicolon\nSELECT 1 /* outer; /* inner; */ still comment; */ + 1;\nSELECT 2;';
    expect(texts(sql)).toEqual(['SELECT 1 /* outer; /* inner; */ still comment; */ + 1', 'SELECT 2']);
    expect(splitStatements(sql).comments.map((c) => c.line)).toEqual([1, 2]);
  });

  test("splits at drizzle-kit's statement breakpoint even without a semicolon", () => {
    const sql = 'CREATE TABLE a (id INT)\n--> statement-breakpoint\nCREATE TABLE b (id INT);\n--> statement-breakpoint\n';
    expect(texts(sql)).toEqual(['CREATE TABLE a (id INT)', 'CREATE TABLE b (id INT)']);
  });

  test('keeps BEGIN ATOMIC function bodies whole', () => {
    const sql = 'CREATE FUNCTION h(x INT) RETURNS INT LANGUAGE SQL\nBEGIN ATOMIC\n  SELECT CASE WHEN x > 0 THEN 1 ELSE 0 END;\n  SELECT 2;\nEND;\nSELECT 3;';
    const result = texts(sql);
    expect(result).toHaveLength(2);
    expect(result[0].endsWith('END')).toBe(true);
    expect(result[1]).toBe('SELECT 3');
  });

  test('keeps a semicolon inside parentheses, as psql does (CREATE RULE ... DO ALSO (...; ...))', () => {
    const sql = 'CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2));\nSELECT 1;';
    expect(texts(sql)).toEqual(['CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2))', 'SELECT 1']);
    // Parentheses inside strings, identifiers and comments do not count.
    expect(texts("SELECT '(';\nSELECT \")\";\n-- (\nSELECT 2;")).toEqual(["SELECT '('", 'SELECT ")"', 'SELECT 2']);
  });

  test('keeps carriage returns: statements are the text as written', () => {
    expect(texts("INSERT INTO t VALUES ('a\r\nb');\r\nSELECT 1;\r\n")).toEqual(["INSERT INTO t VALUES ('a\r\nb')", 'SELECT 1']);
    expect(splitStatements('SELECT 1;\r\n\r\nSELECT 2;').statements.map((s) => s.line)).toEqual([1, 3]);
  });

  test('does not treat a transaction BEGIN as an atomic block', () => {
    expect(texts('BEGIN;\nINSERT INTO t VALUES (1);\nCOMMIT;')).toEqual(['BEGIN', 'INSERT INTO t VALUES (1)', 'COMMIT']);
  });

  test('reports the line and column where each statement starts', () => {
    const { statements } = splitStatements('-- header\n\n  CREATE TABLE a (id INT);\nSELECT\n 1;');
    expect(statements.map((s) => [s.line, s.column])).toEqual([[3, 3], [4, 1]]);
  });

  test.each([
    ["SELECT 'unterminated;\nSELECT 2;", 'unterminated string literal', 1, 8],
    ['SELECT 1;\nCREATE TABLE "x (id INT);', 'unterminated quoted identifier', 2, 14],
    ['SELECT 1;\n\nSELECT $tag$ never closed $$;', 'unterminated dollar-quoted string $tag$', 3, 8],
    ['SELECT 1; /* open /* nested */ still open', 'unterminated block comment', 1, 11],
  ])('rejects %j', (sql, reason, line, column) => {
    let error: unknown;
    try {
      splitStatements(sql);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SqlSyntaxError);
    expect(error).toMatchObject({ reason, line, column });
  });
});
