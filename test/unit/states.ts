import { Migration, parseMigrations } from '../../src/engine/migration-set';
import { DatabaseState, LedgerEntry, MigrationRecord } from '../../src/engine/status';

/** Real, parsed migration files `NNNN_mNNNN.sql`, one CREATE TABLE each (two for `two`). */
export function files(...versions: string[]): Migration[] {
  return parseMigrations(versions.map((v) => ({ fileName: `${v}_m${v}.sql`, sql: `CREATE TABLE t${v} (id INT PRIMARY KEY);\nCREATE TABLE u${v} (id INT PRIMARY KEY);\n` })));
}

/** A database row: `checksum` 'same' copies the file's checksum, 'other' differs, null is a row without one. */
export interface RecordSpec {
  readonly version: string;
  readonly checksum?: 'same' | 'other' | null;
  readonly kind?: 'baseline';
}

export interface DatabaseSpec {
  readonly records?: ReadonlyArray<RecordSpec | string>;
  /** Versions in progress, with the number of statements known to be committed. */
  readonly ledger?: Readonly<Record<string, number>>;
  readonly everApplied?: ReadonlyArray<string>;
}

/** What the database says, written as briefly as the tables need it. */
export function database(migrations: ReadonlyArray<Migration>, spec: DatabaseSpec = {}): DatabaseState {
  const byVersion = new Map(migrations.map((m) => [m.version, m]));
  const records = new Map<string, MigrationRecord>();
  for (const r of spec.records ?? []) {
    const { version, checksum = 'same', kind } = typeof r === 'string' ? { version: r } as RecordSpec : r;
    const file = byVersion.get(version);
    records.set(version, {
      version,
      name: file?.name ?? `m${version}`,
      checksum: checksum === null ? null : checksum === 'other' || !file ? 'recorded-elsewhere' : file.checksum,
      kind: kind ?? 'migration',
      appliedAt: '2026-11-30T12:00:00Z',
    });
  }
  const ledger = new Map<string, LedgerEntry>(
    Object.entries(spec.ledger ?? {}).map(([version, nextStatement]) => [version, { version, nextStatement, prefixHash: 'h', uncertainStatement: null }]),
  );
  return { records, ledger, everApplied: new Set(spec.everApplied ?? []) };
}
