import { lintSql } from '../../src/lint/lint';

const summary = (sql: string, rules?: Record<string, 'error' | 'warning' | 'off'>) =>
  lintSql('m.sql', sql, { rules }).map((d) => `${d.line}:${d.ruleId}`);

describe('-- dsql-migrations-ignore', () => {
  test('silences the named rule for the next statement only', () => {
    const sql = [
      '-- dsql-migrations-ignore index-requires-async',
      'CREATE INDEX IF NOT EXISTS a ON t (c);',
      'CREATE INDEX IF NOT EXISTS b ON t (c);',
    ].join('\n');
    expect(summary(sql)).toEqual(['3:index-requires-async']);
  });

  test('takes several comma-separated ids and ignores a reason after them', () => {
    const sql = '-- dsql-migrations-ignore index-requires-async, create-without-if-not-exists  table is empty here\nCREATE INDEX a ON t (c);';
    expect(summary(sql)).toEqual([]);
  });

  test('does not silence other rules of the statement', () => {
    expect(summary('-- dsql-migrations-ignore create-without-if-not-exists\nCREATE INDEX a ON t (c);')).toEqual(['2:index-requires-async']);
  });

  test('applies to a statement-level finding reported by a transaction rule', () => {
    const sql = 'BEGIN;\nCREATE TABLE IF NOT EXISTS a (id INT);\n-- dsql-migrations-ignore multiple-ddl-in-transaction\nCREATE TABLE IF NOT EXISTS b (id INT);\nCOMMIT;';
    expect(summary(sql)).toEqual([]);
  });

  test('a file-wide suppression silences every occurrence', () => {
    const sql = 'CREATE INDEX a ON t (c);\n-- dsql-migrations-ignore-file index-requires-async\nCREATE INDEX b ON t (c);';
    expect(summary(sql, { 'create-without-if-not-exists': 'off' })).toEqual([]);
  });
});

describe('unused suppressions', () => {
  test('a suppression that silences nothing is reported at the comment', () => {
    const sql = 'SELECT 1;\n-- dsql-migrations-ignore index-requires-async\nCREATE INDEX ASYNC IF NOT EXISTS a ON t (c);';
    const [d] = lintSql('m.sql', sql);
    expect([d.ruleId, d.line, d.column, d.severity]).toEqual(['unused-suppression', 2, 1, 'warning']);
    expect(d.message).toContain('index-requires-async');
  });

  test('an unknown rule id, a missing id and a suppression at the end of the file are reported', () => {
    const sql = '-- dsql-migrations-ignore no-such-rule\nSELECT 1;\n-- dsql-migrations-ignore-file\n-- dsql-migrations-ignore truncate';
    const messages = lintSql('m.sql', sql).map((d) => `${d.line}:${d.ruleId}:${d.message}`);
    expect(messages).toEqual([
      '1:unused-suppression:dsql-migrations-ignore names no known rule: no-such-rule',
      '3:unused-suppression:dsql-migrations-ignore names no rule id',
      '4:unused-suppression:dsql-migrations-ignore truncate: no statement follows',
    ]);
  });

  test('a suppression of a rule that is switched off is not reported', () => {
    expect(summary('-- dsql-migrations-ignore truncate\nSELECT 1;', { truncate: 'off' })).toEqual([]);
  });

  test('unused-suppression can itself be switched off or raised', () => {
    const sql = '-- dsql-migrations-ignore truncate\nSELECT 1;';
    expect(summary(sql, { 'unused-suppression': 'off' })).toEqual([]);
    expect(lintSql('m.sql', sql, { rules: { 'unused-suppression': 'error' } })[0].severity).toBe('error');
  });

  test('text that only looks like a directive is not one', () => {
    expect(summary('-- dsql-migrations-ignored truncate\n/* dsql-migrations-ignore truncate */\nSELECT 1;')).toEqual([]);
  });
});
