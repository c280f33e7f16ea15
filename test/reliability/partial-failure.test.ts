import { postgresConnector } from '../../connectors';
import { parseMigrations } from '../../src/engine/migration-set';
import { applyMigrationSet, MigrationError, MigrationStateError, RunProgress } from '../../src/engine/runner';
import { freshDatabase, queryRows as sql } from '../support/database';

const files = (set: Record<string, string>) => parseMigrations(Object.entries(set).map(([fileName, text]) => ({ fileName, sql: text })));
const apply = (url: string, set: Record<string, string>) => applyMigrationSet(postgresConnector(url), files(set), { strict: true, dialect: 'postgresql' });

/** The rejection of `run`, which must fail. */
async function failureOf(run: Promise<unknown>): Promise<Error & RunProgress> {
  try {
    await run;
  } catch (e) {
    return e as Error & RunProgress;
  }
  throw new Error('the run succeeded');
}

const good = {
  '0001_items.sql': 'CREATE TABLE IF NOT EXISTS items (id INT PRIMARY KEY);\n',
  '0002_seed.sql': 'INSERT INTO items VALUES (1);\n',
};

describe('a failed run says what it applied before the failure', () => {
  let url: string;
  beforeEach(async () => {
    url = await freshDatabase('partial');
  });

  test('a run that applies two files and fails on the third: the error names the third and carries the two', async () => {
    const e = await failureOf(apply(url, { ...good, '0003_broken.sql': 'INSERT INTO items VALUES (3);\nINSERT INTO no_such_table VALUES (1);\n' }));
    expect(e).toBeInstanceOf(MigrationError);
    expect(e).toMatchObject({ fileName: '0003_broken.sql', line: 2, failedFile: '0003_broken.sql' });
    expect(e.applied.map((m) => [m.version, m.name, m.statements])).toEqual([['0001', 'items', 1], ['0002', 'seed', 1]]);
    expect(await sql(url, 'SELECT version FROM schema_migrations ORDER BY version')).toEqual([{ version: '0001' }, { version: '0002' }]);

    // The next run, with the file fixed, carries only what it applied itself.
    const fixed = await apply(url, { ...good, '0003_broken.sql': 'INSERT INTO items VALUES (3);\nINSERT INTO items VALUES (4);\n', '0004_bad.sql': 'SELECT 1/0;\n' }).catch((x) => x as Error & RunProgress);
    expect(fixed).toBeInstanceOf(MigrationError);
    expect(fixed).toMatchObject({ fileName: '0004_bad.sql', failedFile: '0004_bad.sql', sqlState: '22012' });
    expect((fixed as RunProgress).applied.map((m) => m.version)).toEqual(['0003']);
  });

  test('a failure before any file (a changed file) carries an empty list and no failed file, and keeps its class', async () => {
    await apply(url, good);
    const e = await failureOf(apply(url, { ...good, '0002_seed.sql': 'INSERT INTO items VALUES (2);\n', '0003_next.sql': 'SELECT 1;\n' }));
    expect(e).toBeInstanceOf(MigrationStateError);
    expect(e.message).toMatch(/0002_seed\.sql was changed after it was applied/);
    expect(e.applied).toEqual([]);
    expect(e.failedFile).toBeUndefined();
  });

  test('an error that is not the engine\'s own (a lost connection, with no reconnection allowed) carries the progress too', async () => {
    // After the second file, the run's connection (the first one opened; the lease has its own) is
    // lost: its next query fails as node-postgres fails it.
    let lost = false;
    let opened = 0;
    const connect = async () => {
      const session = await postgresConnector(url)();
      const isRuns = ++opened === 1;
      return {
        query: (text: string, params?: unknown[]) =>
          (lost && isRuns ? Promise.reject(Object.assign(new Error('Connection terminated unexpectedly'), { code: '08006' })) : session.query(text, params)),
        end: () => session.end(),
      };
    };
    let applied = 0;
    const e = await failureOf(applyMigrationSet(connect, files({ ...good, '0003_more.sql': 'INSERT INTO items VALUES (3);\n' }), {
      strict: true,
      dialect: 'postgresql',
      maxReconnects: 0,
      log: (event) => {
        if (event.event === 'migration-applied' && ++applied === 2) lost = true;
      },
    }));
    expect(e).not.toBeInstanceOf(MigrationError);
    expect(e.message).toBe('Connection terminated unexpectedly');
    expect(e.applied.map((m) => m.version)).toEqual(['0001', '0002']);
    expect(e.failedFile).toBe('0003_more.sql');
  });
});
