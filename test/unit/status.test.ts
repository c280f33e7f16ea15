import { DatabaseSpec, database, files } from './states';
import { computeStatus, MigrationState } from '../../src/engine/status';

/** Each row: the files, what the database says, and every version's state in the order reported. */
const table: Array<[string, string[], DatabaseSpec, Array<[string, MigrationState]>]> = [
  ['nothing recorded: every file is pending', ['0001', '0002'], {}, [['0001', 'pending'], ['0002', 'pending']]],
  ['recorded with the same checksum: applied', ['0001', '0002'], { records: ['0001'] }, [['0001', 'applied'], ['0002', 'pending']]],
  ['recorded before checksums were kept: applied', ['0001'], { records: [{ version: '0001', checksum: null }] }, [['0001', 'applied']]],
  ['recorded by baselineVersion: baseline', ['0001', '0002'], { records: [{ version: '0001', kind: 'baseline' }] }, [['0001', 'baseline'], ['0002', 'pending']]],
  ['recorded with another checksum: changed', ['0001'], { records: [{ version: '0001', checksum: 'other' }] }, [['0001', 'changed']]],
  ['a changed baseline is changed', ['0001'], { records: [{ version: '0001', checksum: 'other', kind: 'baseline' }] }, [['0001', 'changed']]],
  ['a ledger entry and no record: in progress', ['0001', '0002'], { records: ['0001'], ledger: { '0002': 1 } }, [['0001', 'applied'], ['0002', 'in-progress']]],
  ['applied once, record deleted: rolled back', ['0001', '0002'], { records: ['0001'], everApplied: ['0002'] }, [['0001', 'applied'], ['0002', 'rolled-back']]],
  ['a ledger entry wins over the history', ['0001'], { ledger: { '0001': 1 }, everApplied: ['0001'] }, [['0001', 'in-progress']]],
  ['unrecorded and older than the newest record: out of order', ['0001', '0002', '0003'], { records: ['0001', '0003'] }, [['0001', 'applied'], ['0002', 'out-of-order'], ['0003', 'applied']]],
  ['a record without a file: missing', ['0001'], { records: ['0001', '0002'] }, [['0001', 'applied'], ['0002', 'missing']]],
  ['versions compare as numbers', ['0009', '0010', '10000'], { records: ['10000'] }, [['0009', 'out-of-order'], ['0010', 'out-of-order'], ['10000', 'applied']]],
  ['missing records sort among the files', ['0001', '0003'], { records: ['0001', '0002'] }, [['0001', 'applied'], ['0002', 'missing'], ['0003', 'pending']]],
  ['a record with a non-numeric version is missing and orders nothing', ['0001'], { records: ['V1__init'] }, [['0001', 'pending'], ['V1__init', 'missing']]],
];

describe('computeStatus', () => {
  test.each(table)('%s', (_, versions, spec, expected) => {
    const migrations = files(...versions);
    const statuses = computeStatus(migrations, database(migrations, spec));
    expect(statuses.map((s) => [s.version, s.state])).toEqual(expected);
  });

  test('an in-progress file reports the statements known to be committed', () => {
    const migrations = files('0001');
    const [status] = computeStatus(migrations, database(migrations, { ledger: { '0001': 1 } }));
    expect(status).toMatchObject({ state: 'in-progress', statementsDone: 1, fileName: '0001_m0001.sql' });
  });

  test('a changed file reports both checksums and when it was applied', () => {
    const migrations = files('0001');
    const [status] = computeStatus(migrations, database(migrations, { records: [{ version: '0001', checksum: 'other' }] }));
    expect(status).toMatchObject({ checksum: migrations[0].checksum, recordedChecksum: 'recorded-elsewhere', appliedAt: '2026-11-30T12:00:00Z' });
  });

  test('a missing record has no file name', () => {
    const migrations = files('0001');
    const statuses = computeStatus(migrations, database(migrations, { records: ['0002'] }));
    expect(statuses.find((s) => s.version === '0002')).toEqual({
      version: '0002', name: 'm0002', state: 'missing', recordedChecksum: 'recorded-elsewhere', appliedAt: '2026-11-30T12:00:00Z',
    });
  });
});
