import { generateRealShapedCorpus } from '../../bench/real-shaped-corpus';
import { parseMigrations } from '../../src/engine/migration-set';
import { lintMigrations } from '../../src/lint';

describe('real-shaped benchmark corpus', () => {
  test('is deterministic for a seed and differs between seeds', () => {
    expect(generateRealShapedCorpus({ files: 120, seed: 3 })).toEqual(generateRealShapedCorpus({ files: 120, seed: 3 }));
    expect(generateRealShapedCorpus({ files: 120, seed: 3 })).not.toEqual(generateRealShapedCorpus({ files: 120, seed: 4 }));
  });

  test('holds many small files of 1 to 30 statements, in version order', () => {
    const migrations = parseMigrations(generateRealShapedCorpus({ files: 300 }));
    expect(migrations).toHaveLength(300);
    const sizes = migrations.map((m) => m.statements.length);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(30);
    expect(sizes.filter((n) => n <= 5).length).toBeGreaterThan(migrations.length / 2);
    expect(migrations.map((m) => m.version)).toEqual([...migrations.map((m) => m.version)].sort());
  });

  test('has the shapes of ORM sets: enums as domains, SQL functions, views, quoted and snake_case tables, seed blocks', () => {
    const sql = generateRealShapedCorpus({ files: 300 }).map((s) => s.sql).join('\n');
    expect(sql).toMatch(/CREATE DOMAIN "\w+" AS VARCHAR\(32\) CHECK \(VALUE IN \(/);
    expect(sql).toMatch(/CREATE OR REPLACE FUNCTION \w+\([^)]*\) RETURNS INTEGER\nLANGUAGE SQL/);
    expect(sql).toMatch(/CREATE OR REPLACE VIEW /);
    expect(sql).toMatch(/CREATE TABLE "[A-Z]\w*" \(/);
    expect(sql).toMatch(/CREATE TABLE [a-z_0-9]+s \(/);
    expect(sql).toMatch(/REFERENCES \S+ \(\S+\) ON DELETE CASCADE/);
    expect(sql).toMatch(/BEGIN;\n\nINSERT INTO/);
    expect(sql).not.toMatch(/AS ENUM/);
  });

  test('passes the lint with no error, so apply runs it with its lint on', () => {
    const errors = lintMigrations(generateRealShapedCorpus({ files: 300 })).filter((d) => d.severity === 'error');
    expect(errors).toEqual([]);
  });
});
