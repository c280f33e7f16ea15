import * as path from 'path';
import { Client } from 'pg';
import { postgresConnector } from '../../connectors';
import { loadMigrations, parseMigrations } from '../../src/engine/migration-set';
import { applyMigrationSet } from '../../src/engine/runner';
import { freshDatabase } from '../support/database';

const migrations = [
  ...loadMigrations(path.join(__dirname, '..', '..', 'migrations')),
  ...parseMigrations([
    // No key, no ON CONFLICT: a second application would show as a second row.
    { fileName: '0100_applied_by.sql', sql: 'CREATE TABLE IF NOT EXISTS applied_by (note TEXT);' },
    { fileName: '0101_mark.sql', sql: "INSERT INTO applied_by VALUES ('0101');" },
    { fileName: '0102_mark_again.sql', sql: "INSERT INTO applied_by VALUES ('0102');\nINSERT INTO applied_by VALUES ('0102b');" },
  ]),
];

describe.each([2, 4, 8])('%i runners started together on one database', (runners) => {
  test('apply every file exactly once; the others wait or find nothing to do', async () => {
    const url = await freshDatabase(`concurrent${runners}`);
    const waits: string[] = [];
    const results = await Promise.all(
      Array.from({ length: runners }, (_, i) =>
        applyMigrationSet(postgresConnector(url), migrations, {
          strict: true,
          dialect: 'postgresql',
          owner: `runner-${i}`,
          lockPollMs: 25,
          log: (e) => e.event === 'waiting-for-lock' && waits.push(String(e.holder)),
        }),
      ),
    );
    const appliedPerRunner = results.map((r) => r.applied.length);
    expect(appliedPerRunner.reduce((a, b) => a + b, 0)).toBe(migrations.length);
    expect(appliedPerRunner.filter((n) => n > 0)).toHaveLength(1);
    for (const r of results) expect(r).toMatchObject({ appliedCount: migrations.length, latestVersion: '0102' });

    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      expect((await client.query('SELECT note FROM applied_by ORDER BY note')).rows).toEqual([{ note: '0101' }, { note: '0102' }, { note: '0102b' }]);
      expect((await client.query('SELECT count(*)::int AS n, count(DISTINCT version)::int AS d FROM schema_migrations')).rows).toEqual([{ n: migrations.length, d: migrations.length }]);
      expect((await client.query('SELECT count(*)::int AS n FROM users')).rows).toEqual([{ n: 1 }]);
      expect((await client.query('SELECT count(*)::int AS n FROM schema_migrations_lock')).rows).toEqual([{ n: 0 }]);
    } finally {
      await client.end();
    }
  });
});

describe('lease', () => {
  test('a crashed runner\'s stale lease is taken over after it expires; a live one makes others wait and give up with its holder named', async () => {
    const url = await freshDatabase('lease');
    const set = parseMigrations([{ fileName: '0001_t.sql', sql: 'CREATE TABLE IF NOT EXISTS t (id INT PRIMARY KEY);' }]);
    await applyMigrationSet(postgresConnector(url), [], { dialect: 'postgresql' }).catch(() => undefined);
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      await client.query('CREATE TABLE IF NOT EXISTS schema_migrations_lock (id TEXT PRIMARY KEY, owner TEXT NOT NULL, acquired_at TIMESTAMPTZ NOT NULL DEFAULT NOW(), expires_at TIMESTAMPTZ NOT NULL)');
      await client.query("INSERT INTO schema_migrations_lock VALUES ('migrations', 'deploy-42', NOW(), NOW() + interval '1 hour')");
      await expect(applyMigrationSet(postgresConnector(url), set, { dialect: 'postgresql', lockWaitMs: 200, lockPollMs: 20 })).rejects.toThrow(
        /schema_migrations_lock is held by deploy-42 since .* \(lease until .*\): another deploy or CLI run is applying migrations/,
      );
      await client.query("UPDATE schema_migrations_lock SET expires_at = NOW() - interval '1 second'");
      const result = await applyMigrationSet(postgresConnector(url), set, { dialect: 'postgresql', lockWaitMs: 200, lockPollMs: 20 });
      expect(result.applied.map((m) => m.version)).toEqual(['0001']);
      expect((await client.query('SELECT count(*)::int AS n FROM schema_migrations_lock')).rows).toEqual([{ n: 0 }]);
    } finally {
      await client.end();
    }
  });
});
