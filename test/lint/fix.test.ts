import { parseMigrations } from '../../src/engine/migration-set';
import { fixSql } from '../../src/lint/fix';
import { lintSql } from '../../src/lint/lint';

/** Re-runnability rules add IF [NOT] EXISTS everywhere; most cases look at one rewrite at a time. */
const ONLY_COMPATIBILITY = { rules: { 'create-without-if-not-exists': 'off', 'drop-without-if-exists': 'off', 'unbounded-dml': 'off' } } as const;

const fix = (sql: string) => fixSql(sql, ONLY_COMPATIBILITY);

describe('statement rewrites', () => {
  test.each([
    ['CREATE INDEX idx ON t (c);', 'CREATE INDEX ASYNC idx ON t (c);', 'index-requires-async', true],
    ['CREATE UNIQUE INDEX CONCURRENTLY idx ON t (c);', 'CREATE UNIQUE INDEX ASYNC idx ON t (c);', 'index-concurrently', true],
    ['CREATE INDEX ASYNC idx ON t USING btree (c);', 'CREATE INDEX ASYNC idx ON t (c);', 'index-using-method', false],
    ['CREATE INDEX ASYNC idx ON t USING gin (c);', 'CREATE INDEX ASYNC idx ON t (c);', 'index-using-method', true],
    ['CREATE INDEX ASYNC idx ON t (a, b DESC NULLS LAST);', 'CREATE INDEX ASYNC idx ON t (a, b NULLS LAST);', 'index-sort-order', true],
    ['CREATE TABLE t (id BIGINT GENERATED ALWAYS AS IDENTITY);', 'CREATE TABLE t (id BIGINT GENERATED ALWAYS AS IDENTITY (CACHE 1));', 'identity-cache', false],
    ['CREATE TABLE t (id BIGINT GENERATED ALWAYS AS IDENTITY (START WITH 5));', 'CREATE TABLE t (id BIGINT GENERATED ALWAYS AS IDENTITY (START WITH 5 CACHE 1));', 'identity-cache', false],
    ['CREATE TABLE t (id BIGINT GENERATED ALWAYS AS IDENTITY (CACHE 100));', 'CREATE TABLE t (id BIGINT GENERATED ALWAYS AS IDENTITY (CACHE 1));', 'identity-cache', true],
    ['CREATE TABLE t (id INT GENERATED ALWAYS AS IDENTITY (CACHE 1));', 'CREATE TABLE t (id BIGINT GENERATED ALWAYS AS IDENTITY (CACHE 1));', 'identity-type', true],
    ['CREATE SEQUENCE s;', 'CREATE SEQUENCE s CACHE 1;', 'sequence-cache', false],
    ['CREATE SEQUENCE s AS INTEGER CACHE 70000;', 'CREATE SEQUENCE s AS BIGINT CACHE 70000;', 'sequence-type', true],
    ['CREATE TABLE t (id UUID DEFAULT uuid_generate_v4());', 'CREATE TABLE t (id UUID DEFAULT gen_random_uuid());', 'extension', false],
    ['CREATE TEMP TABLE t (id INT) ON COMMIT DROP;', 'CREATE TABLE t (id INT);', 'temporary-object', true],
    ['CREATE TABLE t (d DATE) PARTITION BY RANGE (d);', 'CREATE TABLE t (d DATE);', 'partition', true],
    ['CREATE TABLE c (x INT) INHERITS (p);', 'CREATE TABLE c (LIKE p, x INT);', 'inherits', true],
    ['CREATE TABLE t (a TEXT COLLATE "C", b TEXT COLLATE "en_US");', 'CREATE TABLE t (a TEXT, b TEXT);', 'collate', true],
    ['CREATE TABLE t (id INT) WITH (fillfactor = 70) TABLESPACE fast;', 'CREATE TABLE t (id INT);', 'tablespace', true],
    ['TRUNCATE TABLE a, ONLY b;', 'DELETE FROM a;\nDELETE FROM ONLY b;', 'truncate', true],
    ['VACUUM t;\nSELECT 1;', 'SELECT 1;', 'vacuum', false],
    ['BEGIN ISOLATION LEVEL SERIALIZABLE;\nSELECT 1;\nCOMMIT;', 'BEGIN ISOLATION LEVEL REPEATABLE READ;\nSELECT 1;\nCOMMIT;', 'isolation-level', true],
    ['ALTER TABLE t VALIDATE CONSTRAINT c;', 'ALTER TABLE ASYNC t VALIDATE CONSTRAINT c;', 'validate-constraint-async', true],
  ])('%s', (input, expected, ruleId, changesBehaviour) => {
    const result = fix(input);
    expect(result.sql).toBe(expected);
    expect(result.applied.map((a) => a.ruleId)).toContain(ruleId);
    expect(result.applied.filter((a) => a.ruleId === ruleId).some((a) => a.changesBehaviour)).toBe(changesBehaviour);
    expect(result.remaining).toEqual([]);
  });

  test('ADD COLUMN ... REFERENCES becomes a NOT VALID foreign key validated asynchronously', () => {
    expect(fix('ALTER TABLE t ADD COLUMN IF NOT EXISTS p UUID REFERENCES parents (id);').sql).toBe([
      'ALTER TABLE t ADD COLUMN IF NOT EXISTS p UUID;',
      'ALTER TABLE t ADD CONSTRAINT t_p_fkey FOREIGN KEY (p) REFERENCES parents (id) NOT VALID;',
      'ALTER TABLE ASYNC t VALIDATE CONSTRAINT t_p_fkey;',
    ].join('\n'));
  });

  test('ADD CONSTRAINT without NOT VALID gets NOT VALID and a VALIDATE job; other actions become statements of their own', () => {
    const result = fix('ALTER TABLE ONLY t ADD CHECK (n > 0), ADD COLUMN x INT;');
    expect(result.sql).toBe([
      'ALTER TABLE ONLY t ADD CONSTRAINT t_check CHECK (n > 0) NOT VALID;',
      'ALTER TABLE ASYNC t VALIDATE CONSTRAINT t_check;',
      'ALTER TABLE ONLY t ADD COLUMN x INT;',
    ].join('\n'));
    expect(result.applied).toEqual([expect.objectContaining({ ruleId: 'constraint-not-valid', changesBehaviour: true })]);
  });

  test('ADD PRIMARY KEY after CREATE TABLE in the same file moves into the CREATE TABLE', () => {
    const result = fix('CREATE TABLE t (id INT NOT NULL);\nALTER TABLE ONLY t ADD CONSTRAINT t_pkey PRIMARY KEY (id);\n');
    expect(result.sql).toBe('CREATE TABLE t (id INT NOT NULL,\n  CONSTRAINT t_pkey PRIMARY KEY (id));\n');
    expect(result.applied).toEqual([expect.objectContaining({ ruleId: 'add-primary-key', line: 2, changesBehaviour: false })]);
  });

  test('ADD PRIMARY KEY cannot move past rows written after CREATE TABLE', () => {
    const result = fix('CREATE TABLE t (id INT NOT NULL);\nINSERT INTO t VALUES (1);\nALTER TABLE t ADD PRIMARY KEY (id);');
    expect(result.applied).toEqual([]);
    expect(result.remaining.map((d) => d.ruleId)).toEqual(['add-primary-key']);
  });

  test('ADD UNIQUE on a table from an earlier file becomes a unique index', () => {
    const result = fix('ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);');
    expect(result.sql).toBe('CREATE UNIQUE INDEX ASYNC users_email_key ON users (email);');
    expect(result.applied[0].changesBehaviour).toBe(true);
  });

  test('what cannot be rewritten is left as it was and reported as remaining', () => {
    const input = 'ALTER TABLE t ALTER COLUMN c TYPE TEXT;\nCREATE TRIGGER trg AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();\nTRUNCATE t CASCADE;';
    const result = fix(input);
    expect(result.sql).toBe(input);
    expect(result.applied).toEqual([]);
    expect(result.remaining.map((d) => d.ruleId)).toEqual(['alter-column-type', 'trigger', 'truncate']);
  });
});

describe('transaction blocks', () => {
  test('Prisma-style BEGIN/COMMIT around several DDL statements is removed', () => {
    const result = fix('-- prisma\nBEGIN;\nCREATE TABLE a (id INT);\nCREATE INDEX b_idx ON a (id);\nCOMMIT;\n');
    expect(result.sql).toBe('-- prisma\nCREATE TABLE a (id INT);\nCREATE INDEX ASYNC b_idx ON a (id);\n');
    expect(result.applied.map((a) => [a.ruleId, a.changesBehaviour])).toEqual([
      ['multiple-ddl-in-transaction', true],
      ['index-requires-async', true],
    ]);
    expect(result.remaining).toEqual([]);
  });

  test('consecutive DML statements of an unwrapped block keep a transaction of their own', () => {
    const result = fix('BEGIN;\nCREATE TABLE a (id INT);\nINSERT INTO a VALUES (1);\nINSERT INTO a VALUES (2);\nCOMMIT;');
    expect(result.sql).toBe('CREATE TABLE a (id INT);\nBEGIN;\nINSERT INTO a VALUES (1);\nINSERT INTO a VALUES (2);\nCOMMIT;\n');
    expect(lintSql('fixed.sql', result.sql, ONLY_COMPATIBILITY)).toEqual([]);
  });

  test('a block with one DDL statement is already fine and stays', () => {
    const input = 'BEGIN;\nCREATE TABLE a (id INT);\nCOMMIT;';
    expect(fix(input)).toEqual({ sql: input, applied: [], remaining: [] });
  });

  test('a fix that adds statements inside a block leads to the block being unwrapped', () => {
    const result = fix("BEGIN;\nALTER TABLE t ADD COLUMN s TEXT DEFAULT 'x';\nCOMMIT;");
    expect(result.sql).toBe("ALTER TABLE t ADD COLUMN s TEXT;\nALTER TABLE t ALTER COLUMN s SET DEFAULT 'x';\nUPDATE t SET s = DEFAULT WHERE s IS NULL;\n");
    expect(result.applied.map((a) => a.ruleId)).toEqual(['add-column-constraint', 'multiple-ddl-in-transaction']);
  });
});

describe('drizzle-kit output', () => {
  test('statements split by --> statement-breakpoint are fixed in place', () => {
    const input = [
      'CREATE TABLE "users" (\n\t"id" serial PRIMARY KEY NOT NULL,\n\t"email" text\n);',
      '--> statement-breakpoint',
      'CREATE INDEX "users_email_idx" ON "users" USING btree ("email");',
    ].join('\n');
    const result = fixSql(input, { includeWarnings: true });
    expect(result.sql).toBe([
      'CREATE SEQUENCE IF NOT EXISTS users_id_seq CACHE 1 MAXVALUE 2147483647;',
      'CREATE TABLE IF NOT EXISTS "users" (\n\t"id" integer PRIMARY KEY NOT NULL DEFAULT nextval(\'users_id_seq\'),\n\t"email" text\n);',
      'ALTER SEQUENCE users_id_seq OWNED BY "users"."id";',
      '--> statement-breakpoint',
      'CREATE INDEX ASYNC IF NOT EXISTS "users_email_idx" ON "users" ("email");',
    ].join('\n'));
    expect(result.remaining).toEqual([]);
  });

  test('a statement without a semicolon before a breakpoint still gets its follow-up statements', () => {
    const result = fix("ALTER TABLE t ADD COLUMN s TEXT DEFAULT 'x'\n--> statement-breakpoint\nSELECT 1;");
    expect(result.sql).toBe("ALTER TABLE t ADD COLUMN s TEXT;\nALTER TABLE t ALTER COLUMN s SET DEFAULT 'x';\nUPDATE t SET s = DEFAULT WHERE s IS NULL\n--> statement-breakpoint\nSELECT 1;");
  });
});

describe('fix reporting', () => {
  test('lines refer to the input, also for fixes made in a later pass', () => {
    const result = fix('SELECT 1;\n\nBEGIN;\nALTER TABLE t ADD COLUMN s TEXT DEFAULT 1;\nCOMMIT;');
    expect(result.applied.map((a) => [a.ruleId, a.line])).toEqual([['add-column-constraint', 4], ['multiple-ddl-in-transaction', 4]]);
  });

  test('fixing fixed SQL changes nothing', () => {
    const once = fixSql('BEGIN;\nCREATE TABLE t (id SERIAL, tags JSONB);\nCREATE INDEX i ON t USING hash (tags);\nDROP TABLE old;\nCOMMIT;');
    const twice = fixSql(once.sql);
    expect(twice.sql).toBe(once.sql);
    expect(twice.applied).toEqual([]);
  });

  test('rules switched off or suppressed are not fixed', () => {
    expect(fixSql('CREATE INDEX i ON t (c);', { rules: { 'index-requires-async': 'off', 'create-without-if-not-exists': 'off' } }).sql).toBe('CREATE INDEX i ON t (c);');
    const suppressed = '-- dsql-migrations-ignore index-requires-async, create-without-if-not-exists\nCREATE INDEX i ON t (c);';
    expect(fixSql(suppressed).sql).toBe(suppressed);
  });

  test('CRLF input is read like LF input', () => {
    expect(fix('CREATE INDEX i ON t (c);\r\nSELECT 1;\r\n').sql).toBe('CREATE INDEX ASYNC i ON t (c);\nSELECT 1;\n');
  });
});

describe('fixes that keep what later files rely on', () => {
  test('SERIAL keeps its width: an integer column fed by a sequence, as PostgreSQL builds SERIAL', () => {
    const result = fix('CREATE TABLE t (id SERIAL PRIMARY KEY, n TEXT);');
    expect(result.sql).toBe([
      'CREATE SEQUENCE IF NOT EXISTS t_id_seq CACHE 1 MAXVALUE 2147483647;',
      "CREATE TABLE t (id integer PRIMARY KEY DEFAULT nextval('t_id_seq'), n TEXT);",
      'ALTER SEQUENCE t_id_seq OWNED BY t.id;',
    ].join('\n'));
    expect(result.applied).toEqual([expect.objectContaining({ ruleId: 'serial-type', changesBehaviour: false })]);
    expect(result.remaining).toEqual([]);
  });

  test.each([
    ['SMALLSERIAL', "CREATE SEQUENCE IF NOT EXISTS s.t_n_seq CACHE 1 MAXVALUE 32767;\nCREATE TABLE s.t (n smallint NOT NULL DEFAULT nextval('s.t_n_seq'));\nALTER SEQUENCE s.t_n_seq OWNED BY s.t.n;"],
    ['SERIAL4', "CREATE SEQUENCE IF NOT EXISTS s.t_n_seq CACHE 1 MAXVALUE 2147483647;\nCREATE TABLE s.t (n integer NOT NULL DEFAULT nextval('s.t_n_seq'));\nALTER SEQUENCE s.t_n_seq OWNED BY s.t.n;"],
    ['BIGSERIAL', 'CREATE TABLE s.t (n BIGINT GENERATED BY DEFAULT AS IDENTITY (CACHE 1));'],
  ])('%s keeps its width', (type, expected) => {
    expect(fix(`CREATE TABLE s.t (n ${type});`).sql).toBe(expected);
  });

  test('ADD COLUMN ... NOT NULL DEFAULT backfills existing rows before the constraint is added and validated', () => {
    const result = fix("ALTER TABLE tasks ADD COLUMN status VARCHAR(20) NOT NULL DEFAULT 'open';");
    expect(result.sql).toBe([
      'ALTER TABLE tasks ADD COLUMN status VARCHAR(20);',
      "ALTER TABLE tasks ALTER COLUMN status SET DEFAULT 'open';",
      'UPDATE tasks SET status = DEFAULT WHERE status IS NULL;',
      'ALTER TABLE tasks ADD CONSTRAINT tasks_status_not_null CHECK (status IS NOT NULL) NOT VALID;',
      'ALTER TABLE ASYNC tasks VALIDATE CONSTRAINT tasks_status_not_null;',
    ].join('\n'));
    const [applied] = result.applied;
    expect(applied.changesBehaviour).toBe(true);
    expect(applied.note).toMatch(/3,000 rows/);
    expect(result.remaining).toEqual([]);
  });

  test('warning-level fixes run only when asked for', () => {
    const sql = 'CREATE TABLE t (doc JSONB);';
    expect(fixSql(sql)).toMatchObject({ sql, applied: [] });
    expect(fixSql(sql).remaining.map((d) => [d.ruleId, d.severity])).toEqual([['create-without-if-not-exists', 'warning'], ['jsonb-column', 'warning']]);
    expect(fixSql(sql, { includeWarnings: true }).sql).toBe('CREATE TABLE IF NOT EXISTS t (doc JSON);');
    // A warning raised to an error is fixed like one.
    expect(fixSql(sql, { rules: { 'jsonb-column': 'error' } }).sql).toBe('CREATE TABLE t (doc JSON);');
  });
});

describe('diagnostics that no fix can clear are not raised', () => {
  test('an unnamed CREATE INDEX (IF NOT EXISTS needs a name) draws no re-runnability warning', () => {
    expect(lintSql('m.sql', 'CREATE INDEX ASYNC ON t (c);')).toEqual([]);
  });

  test("a comment-only file (Prisma's empty migration) is a valid no-op", () => {
    const sql = '-- This is an empty migration.';
    expect(lintSql('m.sql', sql)).toEqual([]);
    expect(parseMigrations([{ fileName: '0002_empty.sql', sql }], 'migrations').map((m) => m.statements.length)).toEqual([0]);
    expect(() => parseMigrations([{ fileName: '0002_blank.sql', sql: '\n' }], 'migrations')).toThrow(/no SQL statements/);
  });
});
