import { planRepeatable } from '../../src/engine/file-plan';
import { Migration, MigrationValidationError, parseMigrations } from '../../src/engine/migration-set';
import { isRepeatableKey, parseRepeatableFileName } from '../../src/engine/naming';
import { appliedChecksum } from '../../src/engine/repeatable';
import { selectWork } from '../../src/engine/selection';
import { computeStatus, DatabaseState, MigrationRecord } from '../../src/engine/status';

const parse = (set: Record<string, string>) => parseMigrations(Object.entries(set).map(([fileName, sql]) => ({ fileName, sql })));

const set = parse({
  'R__views.sql': "CREATE OR REPLACE VIEW v AS SELECT 1 AS one WHERE '${{ env }}' <> '';\n-- ${{ inAComment }} is no placeholder\n",
  '0002_b.sql': 'CREATE TABLE IF NOT EXISTS b (id INT PRIMARY KEY);\n',
  'R__a_grants.sql': 'GRANT SELECT ON b TO PUBLIC;\n',
  '0001_a.sql': 'CREATE TABLE IF NOT EXISTS a (id INT PRIMARY KEY);\n',
});
const [, , grants, views] = set;

function record(m: Migration, checksum: string, kind: string | null): [string, MigrationRecord] {
  return [m.version, { version: m.version, name: m.name, checksum, kind, appliedAt: null }];
}
function state(...records: Array<[string, MigrationRecord]>): DatabaseState {
  return { records: new Map(records), ledger: new Map(), everApplied: new Set() };
}

describe('repeatable file names', () => {
  test.each(['R__views.sql', 'R__active_users_2.sql'])('accepts %s', (name) => {
    expect(parseRepeatableFileName(name)).toEqual({ key: name.slice(0, -4), name: name.slice(3, -4) });
    expect(isRepeatableKey(name.slice(0, -4))).toBe(true);
  });
  test.each(['r__views.sql', 'R_views.sql', 'R__Views.sql', 'R__.sql', 'R__a-b.sql', 'R__a__b.sql', 'R__views.SQL', 'V1__init.sql'])('rejects %s', (name) => {
    expect(parseRepeatableFileName(name)).toBeUndefined();
  });
  test('a name that is neither versioned nor repeatable still fails the set', () => {
    expect(() => parse({ 'R__Views.sql': 'SELECT 1;' })).toThrow(MigrationValidationError);
  });
  test('versions are never repeatable keys', () => {
    expect(isRepeatableKey('0001')).toBe(false);
  });
});

describe('a set with repeatable files', () => {
  test('orders versioned files by version, then repeatable files by name; keys are the file name without .sql', () => {
    expect(set.map((m) => [m.fileName, m.version, m.name, m.repeatable ?? false])).toEqual([
      ['0001_a.sql', '0001', 'a', false],
      ['0002_b.sql', '0002', 'b', false],
      ['R__a_grants.sql', 'R__a_grants', 'a_grants', true],
      ['R__views.sql', 'R__views', 'views', true],
    ]);
  });
});

describe('appliedChecksum', () => {
  test('is the text checksum for a file without placeholders, whatever the values', () => {
    expect(appliedChecksum(grants, { env: 'prod' })).toBe(grants.checksum);
  });
  test('changes with the value of a placeholder the file uses, not with others, nor with a placeholder in a comment', () => {
    const prod = appliedChecksum(views, { env: 'prod' });
    expect(prod).not.toBe(views.checksum);
    expect(appliedChecksum(views, { env: 'dev' })).not.toBe(prod);
    expect(appliedChecksum(views, { env: 'prod', other: 'x', inAComment: 'y' })).toBe(prod);
    // A missing value differs from an empty one.
    expect(appliedChecksum(views, {})).not.toBe(appliedChecksum(views, { env: '' }));
  });
  test('changes with the text', () => {
    const [edited] = parse({ 'R__views.sql': views.sql.replace('1 AS one', '2 AS two') });
    expect(appliedChecksum(edited, { env: 'prod' })).not.toBe(appliedChecksum(views, { env: 'prod' }));
  });
});

describe('status and selection of repeatable files', () => {
  const values = { env: 'prod' };
  const versionedApplied: Array<[string, MigrationRecord]> = set.filter((m) => !m.repeatable).map((m) => record(m, m.checksum, 'migration'));

  test('pending, applied, outdated and missing, after the versioned files; the versioned files are unaffected', () => {
    const gone: [string, MigrationRecord] = ['R__old', { version: 'R__old', name: 'old', checksum: 'x', kind: 'repeatable', appliedAt: null }];
    const db = state(...versionedApplied, record(grants, grants.checksum, 'repeatable'), record(views, appliedChecksum(views, { env: 'dev' }), 'repeatable'), gone);
    expect(computeStatus(set, db, values).map((s) => [s.version, s.state, s.repeatable ?? false])).toEqual([
      ['0001', 'applied', false], ['0002', 'applied', false],
      ['R__a_grants', 'applied', true], ['R__views', 'outdated', true], ['R__old', 'missing', true],
    ]);
    expect(computeStatus(set, state(...versionedApplied), values).filter((s) => s.repeatable).map((s) => s.state)).toEqual(['pending', 'pending']);
  });

  test('the run applies pending versioned files first, then pending and outdated repeatable files', () => {
    const db = state(versionedApplied[0], record(grants, grants.checksum, 'repeatable'), record(views, 'stale', 'repeatable'));
    const selection = selectWork(set, computeStatus(set, db, values));
    expect(selection.files.map((f) => [f.migration.version, f.from])).toEqual([['0002', 0], ['R__views', 0]]);
    expect(selection.notices).toEqual([]);
  });

  test('a database ahead of the set gets no repeatable file; a baseline records only versioned files', () => {
    const ahead = state(...versionedApplied, ['0003', { version: '0003', name: 'c', checksum: 'x', kind: 'migration', appliedAt: null }]);
    expect(selectWork(set, computeStatus(set, ahead, values)).files).toEqual([]);
    const baseline = selectWork(set, computeStatus(set, state(), values), { baselineVersion: '0001' });
    expect(baseline.baseline.map((m) => m.version)).toEqual(['0001']);
    expect(baseline.files.map((f) => f.migration.version)).toEqual(['0002', 'R__a_grants', 'R__views']);
  });
});

describe('planRepeatable', () => {
  test('runs the whole file with none of the runner notes, and records it after its last transaction', () => {
    const [file] = parse({ 'R__mixed.sql': 'CREATE OR REPLACE VIEW v AS SELECT 1;\nINSERT INTO t VALUES (1) ON CONFLICT DO NOTHING;\nDROP VIEW IF EXISTS w;\n' });
    const plan = planRepeatable(file, 'dsql');
    expect(plan.from).toBe(0);
    expect(plan.recordsAfter).toBe(true);
    expect(plan.transactions.map((t) => [t.kind, t.block, t.intentBefore, t.recordsFile, t.ledgerInside])).toEqual([
      ['alone', false, false, false, false],
      ['alone', true, false, false, false],
      ['alone', false, false, false, false],
    ]);
  });
});
