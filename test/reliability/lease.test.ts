import { postgresConnector } from '../../lambda/postgres-connection';
import { parseMigrations } from '../../src/engine/migration-set';
import { applyMigrationSet, RunnerEvent, RunOptions } from '../../src/engine/runner';
import { freshDatabase, queryRows as sql } from '../support/database';

const files = (set: Record<string, string>) => parseMigrations(Object.entries(set).map(([fileName, text]) => ({ fileName, sql: text })));

/**
 * A file whose second statement runs longer than the lease, between two committed steps: the
 * INSERT after it must run once, however many runners want the lease meanwhile.
 */
const longFile = files({
  '0001_marks.sql': 'CREATE TABLE IF NOT EXISTS marks (note TEXT);',
  '0002_long.sql': ["SELECT 'start';", 'SELECT pg_sleep(3);', "INSERT INTO marks VALUES ('once');", 'CREATE TABLE IF NOT EXISTS after_marks (n INT);'].join('\n'),
});

describe('a file that runs longer than the lease', () => {
  test('a second runner waits for the live one and never replays its INSERT', async () => {
    const url = await freshDatabase('lease_long');
    const options: RunOptions = { strict: true, dialect: 'postgresql', leaseMs: 1000, lockPollMs: 50, lockWaitMs: 20_000 };
    const events: RunnerEvent[] = [];
    const first = applyMigrationSet(postgresConnector(url), longFile, { ...options, owner: 'first' });
    // The second runner starts while the first one sleeps in 0002.
    await waitFor(async () => (await sql(url, "SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(3)%'"))[0].n > 0);
    const second = applyMigrationSet(postgresConnector(url), longFile, { ...options, owner: 'second', log: (e) => events.push(e) });
    const results = await Promise.allSettled([first, second]);
    expect(await sql(url, 'SELECT note FROM marks')).toEqual([{ note: 'once' }]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value.applied.map((m) => m.version) : []))).toEqual([['0001', '0002'], []]);
    expect(events.filter((e) => e.event === 'waiting-for-lock').length).toBeGreaterThan(0);
  });
});

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  for (let i = 0; !(await condition()); i++) {
    if (i > 1000) throw new Error('condition never met');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
