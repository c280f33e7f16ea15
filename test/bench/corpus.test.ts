import { generateCorpus, tinyMigrations } from '../../bench/corpus';
import { corpusStats } from '../../bench/corpus-stats';
import { postgresConnector } from '../../connectors';
import { parseMigrations } from '../../src/engine/migration-set';
import { applyMigrationSet } from '../../src/engine/runner';
import { freshDatabase } from '../support/database';

describe('benchmark corpus generator', () => {
  test('200 files parse as valid migrations with about 2,000 statements', () => {
    const migrations = parseMigrations(generateCorpus());
    expect(migrations).toHaveLength(200);
    expect(migrations[0].fileName).toMatch(/^0001_[a-z_]+\.sql$/);
    const statements = migrations.reduce((n, m) => n + m.statements.length, 0);
    expect(statements).toBeGreaterThanOrEqual(1800);
    expect(statements).toBeLessThanOrEqual(2200);
  });

  test('holds every kind of statement the benchmark is about', () => {
    const stats = corpusStats(parseMigrations(generateCorpus()));
    expect(stats.repeatableDdl).toBeGreaterThan(0);
    expect(stats.nonRepeatableDdl).toBeGreaterThan(0);
    expect(stats.asyncIndexes).toBeGreaterThan(0);
    expect(stats.loneDml).toBeGreaterThan(0);
    expect(stats.blocks).toBeGreaterThan(0);
    const sql = generateCorpus().map((s) => s.sql).join('\n');
    expect(sql).toMatch(/AS \$fn\$[\s\S]*;[\s\S]*\$fn\$/); // a dollar-quoted body with a semicolon inside
    expect(sql).toMatch(/ADD COLUMN (IF NOT EXISTS )?\w+ [A-Z]+[^;]*;\s+ALTER TABLE \w+ ALTER COLUMN \w+ SET DEFAULT/);
  });

  test('keeps DDL out of BEGIN/COMMIT blocks, as DSQL requires', () => {
    for (const m of parseMigrations(generateCorpus())) {
      for (const unit of m.units) if (unit.explicit) expect(unit.dmlOnly).toBe(true);
    }
  });

  test('applies on PostgreSQL 16 in DSQL-strict mode', async () => {
    const migrations = parseMigrations(generateCorpus({ files: 40 }));
    const url = await freshDatabase('bench_corpus');
    const result = await applyMigrationSet(postgresConnector(url), migrations, { dialect: 'postgresql', strict: true });
    expect(result.applied).toHaveLength(40);
  });

  test('is deterministic for a seed and differs between seeds', () => {
    expect(generateCorpus({ seed: 7 })).toEqual(generateCorpus({ seed: 7 }));
    expect(generateCorpus({ seed: 7 })).not.toEqual(generateCorpus({ seed: 8 }));
  });

  test('scales to 1,000 files with versions in order', () => {
    const migrations = parseMigrations(generateCorpus({ files: 1000 }));
    expect(migrations).toHaveLength(1000);
    expect(migrations[999].version).toBe('1000');
  });

  test('tiny migrations for the no-op benchmark are valid at 10,000 files', () => {
    const migrations = parseMigrations(tinyMigrations(10_000));
    expect(migrations).toHaveLength(10_000);
    expect(migrations[9999].version).toBe('10000');
    expect(migrations.every((m) => m.statements.length === 1)).toBe(true);
  });
});
