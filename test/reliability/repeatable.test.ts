import { postgresConnector } from '../../connectors';
import { MigrationError } from '../../src/engine/errors';
import { parseMigrations } from '../../src/engine/migration-set';
import { appliedChecksum } from '../../src/engine/repeatable';
import { applyMigrationSet, readMigrationStatus, RunOptions } from '../../src/engine/runner';
import { freshDatabase, queryRows as sql } from '../support/database';
import { instrumentedConnector, QueryLog } from '../support/sessions';

const files = (set: Record<string, string>) => parseMigrations(Object.entries(set).map(([fileName, text]) => ({ fileName, sql: text })));
const apply = (url: string, set: Record<string, string>, options: RunOptions = {}, log?: QueryLog) =>
  applyMigrationSet(log ? instrumentedConnector(url, {}, log) : postgresConnector(url), files(set), { strict: true, dialect: 'postgresql', lockPollMs: 20, ...options });

const base = {
  '0001_items.sql': 'CREATE TABLE IF NOT EXISTS items (id INT PRIMARY KEY, label TEXT, owner TEXT);',
  '0002_seed.sql': "INSERT INTO items VALUES (1, 'one', 'app'), (2, 'two', 'ops');",
  'R__item_labels.sql': 'CREATE OR REPLACE VIEW item_labels AS SELECT id, label FROM items;',
};

/** The view's definition as the server keeps it. */
const viewOf = async (url: string, view: string) => (await sql(url, `SELECT pg_get_viewdef('${view}'::regclass) AS def`))[0].def as string;
const records = (url: string) => sql(url, 'SELECT version, name, kind FROM schema_migrations ORDER BY version');

let url: string;
beforeEach(async () => {
  url = await freshDatabase('repeatable');
});

describe('repeatable files', () => {
  test('are applied after every versioned file, in name order, and recorded with kind repeatable', async () => {
    const order: string[] = [];
    const set = {
      ...base,
      // Name order among repeatable files; after 0003, whatever the order of the folder.
      'R__a_counts.sql': 'CREATE OR REPLACE VIEW item_counts AS SELECT count(*) AS n FROM items;',
      '0003_more.sql': "INSERT INTO items VALUES (3, 'three', 'app');",
    };
    const result = await apply(url, set, { log: (e) => e.event === 'migration-applied' && order.push(String(e.version)) });
    expect(order).toEqual(['0001', '0002', '0003', 'R__a_counts', 'R__item_labels']);
    expect(result.applied.map((m) => m.version)).toEqual(['0001', '0002', '0003']);
    expect(result.repeatables.map((m) => m.version)).toEqual(['R__a_counts', 'R__item_labels']);
    // The resource's attributes stay about versions.
    expect(result.latestVersion).toBe('0003');
    expect(result.appliedCount).toBe(3);
    expect(await sql(url, 'SELECT n::int FROM item_counts')).toEqual([{ n: 3 }]);
    expect(await records(url)).toEqual([
      { version: '0001', name: 'items', kind: 'migration' },
      { version: '0002', name: 'seed', kind: 'migration' },
      { version: '0003', name: 'more', kind: 'migration' },
      { version: 'R__a_counts', name: 'a_counts', kind: 'repeatable' },
      { version: 'R__item_labels', name: 'item_labels', kind: 'repeatable' },
    ]);
  });

  test('unchanged, they are not run again, and a no-op run sends the same 2 queries as without them', async () => {
    const versionedOnly = { '0001_items.sql': base['0001_items.sql'], '0002_seed.sql': base['0002_seed.sql'] };
    const other = await freshDatabase('repeatable');
    await apply(other, versionedOnly);
    const without: QueryLog = { queries: [] };
    await apply(other, versionedOnly, {}, without);

    await apply(url, base);
    const withThem: QueryLog = { queries: [] };
    const result = await apply(url, base, {}, withThem);
    expect(result.repeatables).toEqual([]);
    expect(withThem.queries).toHaveLength(2);
    expect(withThem.queries.length).toBe(without.queries.length);
  });

  test('a change of text applies the file again, updating its record and adding to the history', async () => {
    await apply(url, base);
    const edited = { ...base, 'R__item_labels.sql': 'CREATE OR REPLACE VIEW item_labels AS SELECT id, label, owner FROM items;' };
    const result = await apply(url, edited);
    expect(result.applied).toEqual([]);
    expect(result.repeatables.map((m) => m.version)).toEqual(['R__item_labels']);
    expect(await viewOf(url, 'item_labels')).toContain('owner');
    const [record] = await sql(url, "SELECT checksum FROM schema_migrations WHERE version = 'R__item_labels'");
    expect(record.checksum).toBe(files(edited).find((m) => m.repeatable)!.checksum);
    expect(await sql(url, "SELECT count(*)::int AS n FROM schema_migrations_history WHERE version = 'R__item_labels'")).toEqual([{ n: 2 }]);
    expect((await apply(url, edited)).repeatables).toEqual([]);
  });

  test('a new value of a parameter the file uses applies it again; a parameter it does not use changes nothing', async () => {
    const set = {
      ...base,
      'R__owned_items.sql': "CREATE OR REPLACE VIEW owned_items AS SELECT id FROM items WHERE owner = '${{ owner }}';",
    };
    const parameters = { owner: 'app', unrelated: 'x' };
    await apply(url, set, { parameters });
    expect(await sql(url, 'SELECT id FROM owned_items ORDER BY id')).toEqual([{ id: 1 }]);

    expect((await apply(url, set, { parameters: { ...parameters, unrelated: 'y' } })).repeatables).toEqual([]);
    const status = await readMigrationStatus(postgresConnector(url), files(set), { ...parameters, owner: 'ops' });
    expect(status.filter((s) => s.repeatable).map((s) => [s.version, s.state])).toEqual([['R__item_labels', 'applied'], ['R__owned_items', 'outdated']]);

    const result = await apply(url, set, { parameters: { ...parameters, owner: 'ops' } });
    expect(result.repeatables.map((m) => m.version)).toEqual(['R__owned_items']);
    expect(await sql(url, 'SELECT id FROM owned_items ORDER BY id')).toEqual([{ id: 2 }]);
    // Only a hash of the text and the values is kept.
    const owned = files(set).find((m) => m.version === 'R__owned_items')!;
    expect(await sql(url, "SELECT checksum FROM schema_migrations WHERE version = 'R__owned_items'")).toEqual([{ checksum: appliedChecksum(owned, { owner: 'ops' }) }]);
  });

  test('a failure midway records nothing for the file, names file and line, and the next run applies the whole file again', async () => {
    await apply(url, base);
    const broken = {
      ...base,
      'R__reports.sql': [
        'CREATE OR REPLACE VIEW report_a AS SELECT id FROM items;',
        'CREATE OR REPLACE VIEW report_b AS SELECT nope FROM items;',
      ].join('\n'),
    };
    const error = await apply(url, broken).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as MigrationError).message).toMatch(/^R__reports\.sql:2: statement 2 failed \(SQLSTATE 42703\).*the next run applies it again from its first statement/);
    expect(await sql(url, "SELECT count(*)::int AS n FROM schema_migrations WHERE version = 'R__reports'")).toEqual([{ n: 0 }]);
    expect(await sql(url, 'SELECT count(*)::int AS n FROM schema_migrations_progress')).toEqual([{ n: 0 }]);
    const statuses = await readMigrationStatus(postgresConnector(url), files(broken));
    expect(statuses.find((s) => s.version === 'R__reports')?.state).toBe('pending');

    // Fixed: the whole file runs again, from its first statement.
    const fixed = { ...broken, 'R__reports.sql': broken['R__reports.sql'].replace('nope', 'label').replace('SELECT id FROM', 'SELECT id, 1 AS again FROM') };
    const result = await apply(url, fixed);
    expect(result.repeatables.map((m) => m.version)).toEqual(['R__reports']);
    expect(await viewOf(url, 'report_a')).toContain('again');
  });

  test('a connection lost midway: the run reconnects and applies the whole file again, recording it once', async () => {
    const set = {
      ...base,
      'R__reports.sql': 'CREATE OR REPLACE VIEW report_a AS SELECT id FROM items;\nCREATE OR REPLACE VIEW report_b AS SELECT label FROM items;\n',
    };
    // Where the first view's statement is, in a clean run's queries.
    const clean: QueryLog = { queries: [] };
    await apply(await freshDatabase('repeatable'), set, {}, clean);
    const killAfter = clean.queries.findIndex((q) => q.includes('report_a')) + 1;
    expect(killAfter).toBeGreaterThan(0);

    const log: QueryLog = { queries: [] };
    const result = await applyMigrationSet(instrumentedConnector(url, { killAfter }, log), files(set), { strict: true, dialect: 'postgresql', lockPollMs: 20 });
    expect(result.reconnects).toBe(1);
    // From its first statement again: no progress is kept inside a repeatable file.
    expect(log.queries.filter((q) => q.includes('report_a'))).toHaveLength(2);
    expect(result.repeatables.map((m) => m.version)).toEqual(['R__item_labels', 'R__reports']);
    expect(await sql(url, "SELECT count(*)::int AS n FROM schema_migrations_history WHERE version = 'R__reports'")).toEqual([{ n: 1 }]);
    expect(await sql(url, 'SELECT count(*)::int AS n FROM report_b')).toEqual([{ n: 2 }]);
  });

  test('the deadline stops a run between repeatable files, never inside one, so that every invocation finishes one', async () => {
    const set = {
      ...base,
      'R__reports.sql': 'CREATE OR REPLACE VIEW report_a AS SELECT id FROM items;\nCREATE OR REPLACE VIEW report_b AS SELECT label FROM items;\n',
    };
    await apply(url, base);
    const past = Date.now() - 1;
    const changed = { ...set, 'R__item_labels.sql': base['R__item_labels.sql'].replace('id, label', 'id, label, owner') };
    const first = await apply(url, changed, { deadline: past });
    expect([first.complete, first.repeatables.map((m) => m.version)]).toEqual([false, ['R__item_labels']]);
    const second = await apply(url, changed, { deadline: past });
    expect([second.complete, second.repeatables.map((m) => m.version)]).toEqual([true, ['R__reports']]);
    expect(await sql(url, 'SELECT count(*)::int AS n FROM report_b')).toEqual([{ n: 2 }]);
  });

  test('a removed file keeps its record, shown as missing, and the run goes on without a warning', async () => {
    await apply(url, base);
    const { ['R__item_labels.sql']: _removed, ...others } = base;
    const rest = { ...others, '0003_more.sql': "INSERT INTO items VALUES (3, 'three', 'app');" };
    const result = await apply(url, rest);
    expect(result.applied.map((m) => m.version)).toEqual(['0003']);
    expect(result.warnings).toEqual([]);
    expect(result.missing).toEqual([]);
    const statuses = await readMigrationStatus(postgresConnector(url), files(rest));
    expect(statuses.map((s) => [s.version, s.state])).toEqual([['0001', 'applied'], ['0002', 'applied'], ['0003', 'applied'], ['R__item_labels', 'missing']]);
  });

  test('a baseline records only versioned files; repeatable files run on that first deploy', async () => {
    await sql(url, 'CREATE TABLE items (id INT PRIMARY KEY, label TEXT, owner TEXT)');
    const result = await apply(url, base, { baselineVersion: '0002' });
    expect(result.applied).toEqual([]);
    expect(result.repeatables.map((m) => m.version)).toEqual(['R__item_labels']);
    expect((await records(url)).map((r) => r.kind)).toEqual(['baseline', 'baseline', 'repeatable']);
  });

  test('a database ahead of the set (a stack rollback) gets no repeatable file either', async () => {
    await apply(url, { ...base, '0003_more.sql': "INSERT INTO items VALUES (3, 'three', 'app');" });
    const older = { ...base, 'R__item_labels.sql': 'CREATE OR REPLACE VIEW item_labels AS SELECT id, label, 1 AS older FROM items;' };
    const result = await apply(url, older);
    expect(result.repeatables).toEqual([]);
    expect(await viewOf(url, 'item_labels')).not.toContain('older');
  });

  test('a versioned file that fails stops the run before any repeatable file', async () => {
    const set = { ...base, '0003_bad.sql': 'INSERT INTO missing_table VALUES (1);' };
    await expect(apply(url, set)).rejects.toThrow(/^0003_bad\.sql:1: statement 1 failed/);
    expect(await sql(url, "SELECT count(*)::int AS n FROM schema_migrations WHERE kind = 'repeatable'")).toEqual([{ n: 0 }]);
  });
});
