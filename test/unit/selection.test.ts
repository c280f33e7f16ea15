import { DatabaseSpec, database, files } from './states';
import { MigrationStateError } from '../../src/engine/errors';
import { SelectionPolicy, selectWork } from '../../src/engine/selection';
import { computeStatus } from '../../src/engine/status';

/** What a run does with these files and this database: baseline versions, files with their first statement, notices. */
function select(versions: string[], spec: DatabaseSpec, policy?: SelectionPolicy) {
  const migrations = files(...versions);
  const work = selectWork(migrations, computeStatus(migrations, database(migrations, spec)), policy);
  return {
    baseline: work.baseline.map((m) => m.version),
    files: work.files.map((f) => `${f.migration.version}@${f.from}`),
    notices: work.notices.map((n) => `${n.event}${n.version ? `:${n.version}` : ''}`),
  };
}

interface Row {
  readonly versions: string[];
  readonly db: DatabaseSpec;
  readonly policy?: SelectionPolicy;
  readonly baseline?: string[];
  readonly files?: string[];
  readonly notices?: string[];
}

const runs: Record<string, Row> = {
  'an empty database gets every file from its first statement': { versions: ['0001', '0002'], db: {}, files: ['0001@0', '0002@0'] },
  'applied files are skipped': { versions: ['0001', '0002'], db: { records: ['0001'] }, files: ['0002@0'] },
  'an up-to-date database gets nothing': { versions: ['0001'], db: { records: ['0001'] } },
  'a baseline record counts as applied': { versions: ['0001', '0002'], db: { records: [{ version: '0001', kind: 'baseline' }] }, files: ['0002@0'] },
  'a file in progress resumes after its committed statements': { versions: ['0001', '0002'], db: { records: ['0001'], ledger: { '0002': 1 } }, files: ['0002@1'] },
  'a missing file is reported and the run goes on': { versions: ['0001', '0003'], db: { records: ['0001', '0002'] }, files: ['0003@0'], notices: ['missing-file:0002'] },
  'an accepted changed file is reported and not re-run': {
    versions: ['0001', '0002'],
    db: { records: [{ version: '0001', checksum: 'other' }] },
    policy: { onChangedFile: 'accept' },
    files: ['0002@0'],
    notices: ['changed-file:0001'],
  },
  'a rolled-back file is reported and not applied again': { versions: ['0001', '0002'], db: { records: ['0001'], everApplied: ['0002'] }, notices: ['rolled-back:0002'] },
  'an out-of-order file is applied when the policy allows it': {
    versions: ['0001', '0002', '0003'], db: { records: ['0001', '0003'] }, policy: { outOfOrder: 'apply' }, files: ['0002@0'],
  },
  'a database ahead of the set (a stack rollback) gets nothing': { versions: ['0001'], db: { records: ['0001', '0002'] }, notices: ['missing-file:0002', 'database-ahead'] },
  'a database ahead of the set is not failed for a changed file': {
    versions: ['0001'], db: { records: [{ version: '0001', checksum: 'other' }, '0002'] }, notices: ['missing-file:0002', 'database-ahead'],
  },
  'a database ahead of an empty set gets nothing': { versions: [], db: { records: ['0001'] }, notices: ['missing-file:0001', 'database-ahead'] },
  'an empty set and an empty database: nothing to do': { versions: [], db: {} },
  'baselineVersion on an empty database records the files up to it and applies the rest': {
    versions: ['0001', '0002', '0003'], db: {}, policy: { baselineVersion: '0002' }, baseline: ['0001', '0002'], files: ['0003@0'],
  },
  'baselineVersion compares versions as numbers': {
    versions: ['0009', '0010'], db: {}, policy: { baselineVersion: '9' }, baseline: ['0009'], files: ['0010@0'],
  },
  'baselineVersion is ignored once anything is recorded': {
    versions: ['0001', '0002'], db: { records: ['0001'] }, policy: { baselineVersion: '0002' }, files: ['0002@0'],
  },
  'baselineVersion is ignored while a file has statements committed': {
    versions: ['0001', '0002'], db: { ledger: { '0001': 1 } }, policy: { baselineVersion: '0002' }, files: ['0001@1', '0002@0'],
  },
  'baselineVersion applies over a file whose first statement failed (nothing committed)': {
    versions: ['0001', '0002', '0003'], db: { ledger: { '0001': 0 } }, policy: { baselineVersion: '0002' }, baseline: ['0001', '0002'], files: ['0003@0'],
  },
};

const failures: Record<string, { versions: string[]; db: DatabaseSpec; policy?: SelectionPolicy; message: RegExp }> = {
  'a changed file stops the run by default': {
    versions: ['0001', '0002'],
    db: { records: [{ version: '0001', checksum: 'other' }] },
    message: /0001_m0001\.sql was changed after it was applied: recorded checksum recorded-elsewhere, file checksum [0-9a-f]{64}\. Restore the file/,
  },
  'an out-of-order file stops the run by default': {
    versions: ['0001', '0002', '0003'],
    db: { records: ['0001', '0003'] },
    message: /0002_m0002\.sql is older than the newest applied migration 0003 and was never applied\. Rename it to a version after 0003/,
  },
  'every changed file is named': {
    versions: ['0001', '0002'],
    db: { records: [{ version: '0001', checksum: 'other' }, { version: '0002', checksum: 'other' }] },
    message: /0001_m0001\.sql was changed[^]*\n0002_m0002\.sql was changed/,
  },
  'every out-of-order file is named': {
    versions: ['0001', '0002', '0003'],
    db: { records: ['0003'] },
    message: /0001_m0001\.sql is older[^]*\n0002_m0002\.sql is older/,
  },
  'a changed and an out-of-order file are both named in one failure': {
    versions: ['0001', '0002', '0003'],
    db: { records: [{ version: '0001', checksum: 'other' }, '0003'] },
    message: /0001_m0001\.sql was changed[^]*\n0002_m0002\.sql is older/,
  },
  'accepting changed files does not allow out-of-order ones': {
    versions: ['0001', '0002'], db: { records: ['0002'] }, policy: { onChangedFile: 'accept' }, message: /0001_m0001\.sql is older/,
  },
};

describe('selectWork', () => {
  test.each(Object.entries(runs))('%s', (_, row) => {
    expect(select(row.versions, row.db, row.policy)).toEqual({ baseline: row.baseline ?? [], files: row.files ?? [], notices: row.notices ?? [] });
  });

  test.each(Object.entries(failures))('%s', (_, row) => {
    const run = () => select(row.versions, row.db, row.policy);
    expect(run).toThrow(MigrationStateError);
    expect(run).toThrow(row.message);
  });

  test('notices carry a message that names the file and what happens to it', () => {
    const migrations = files('0001', '0002');
    const { notices } = selectWork(migrations, computeStatus(migrations, database(migrations, { records: ['0001'], everApplied: ['0002'] })));
    expect(notices).toEqual([{
      event: 'rolled-back',
      version: '0002',
      message: '0002_m0002.sql was applied before and its record was deleted later (a forward rollback); it is not applied again. Give it a new version to apply it again.',
    }]);
  });
});
