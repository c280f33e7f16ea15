import { generateRealShapedCorpus } from '../../bench/real-shaped-corpus';
import { postgresConnector } from '../../connectors';
import { parseMigrations } from '../../src/engine/migration-set';
import { applyMigrationSet } from '../../src/engine/runner';
import { freshDatabase } from '../support/database';

describe('real-shaped benchmark corpus on PostgreSQL', () => {
  test('applies in DSQL-strict mode', async () => {
    const migrations = parseMigrations(generateRealShapedCorpus({ files: 80 }));
    const url = await freshDatabase('bench_real_shaped');
    const result = await applyMigrationSet(postgresConnector(url), migrations, { dialect: 'postgresql', strict: true });
    expect(result.applied).toHaveLength(80);
  });
});
