import { Migration, versionedOf } from './migration-set';
import { compareVersions, isVersion, latestVersion, versionKey } from './naming';
import { ParameterValues } from './parameters';
import { isRepeatableRecord, repeatableStatuses } from './repeatable';

/**
 * The state of one migration, comparing the files with the database (as Flyway's info service does):
 * - `applied`: recorded, and the file is unchanged (or was recorded before checksums were kept);
 * - `baseline`: recorded by `baselineVersion` or adopted from another tool's history, never run by the runner;
 * - `pending`: not recorded, newer than every recorded version;
 * - `out-of-order`: not recorded, but older than the newest recorded version;
 * - `in-progress`: some statements committed, the file not yet recorded (DSQL commits DDL one by one);
 * - `changed`: recorded, but the file's checksum differs from the recorded one;
 * - `missing`: recorded, with no file in the set;
 * - `rolled-back`: applied once, its record deleted later (a "forward rollback"); never re-applied silently;
 * - `outdated`: a repeatable file whose text or parameter values changed since it was applied (see repeatable.ts).
 */
export type MigrationState = 'applied' | 'baseline' | 'pending' | 'out-of-order' | 'in-progress' | 'changed' | 'missing' | 'rolled-back' | 'outdated';

export interface MigrationRecord {
  readonly version: string;
  readonly name: string;
  /** Null for rows written before checksums were kept, or by another tool. */
  readonly checksum: string | null;
  readonly kind: string | null;
  readonly appliedAt: string | null;
}

export interface LedgerEntry {
  readonly version: string;
  /** 0-based index of the first statement not known to be committed. */
  readonly nextStatement: number;
  /** Hash of the statements before `nextStatement` (and of the uncertain one), to detect edits. */
  readonly prefixHash: string;
  /** A statement that was sent but whose commit was never confirmed, if any. */
  readonly uncertainStatement: number | null;
}

/** What the database says: its records, files in progress, and versions applied before. */
export interface DatabaseState {
  readonly records: ReadonlyMap<string, MigrationRecord>;
  readonly ledger: ReadonlyMap<string, LedgerEntry>;
  /** Versions that the history says were applied at some time (only asked for unrecorded files). */
  readonly everApplied: ReadonlySet<string>;
}

export interface MigrationStatus {
  readonly version: string;
  readonly name: string;
  readonly fileName?: string;
  readonly state: MigrationState;
  readonly checksum?: string;
  readonly recordedChecksum?: string | null;
  readonly appliedAt?: string | null;
  /** For `in-progress`: statements known to be committed. */
  readonly statementsDone?: number;
  /** A repeatable file (or record): `version` is its key, `R__description`. */
  readonly repeatable?: boolean;
}

/**
 * Every file and every record, in version order, then the repeatable files in name order, with
 * their state. A file matches its record, its ledger row and its history by version number
 * (`versionKey`), so a record `0001` is the file `00001_x.sql` (renamed: never applied twice,
 * resumed where it stopped). `parameters` are the values a run would use: a repeatable file's
 * state depends on the values it uses.
 */
export function computeStatus(migrations: ReadonlyArray<Migration>, db: DatabaseState, parameters?: ParameterValues): MigrationStatus[] {
  const versioned = [...db.records.values()].filter((r) => !isRepeatableRecord(r));
  const latestRecorded = latestVersion(versioned.map((r) => r.version));
  const records = new Map(versioned.map((r) => [versionKey(r.version), r]));
  const ledgers = new Map([...db.ledger.values()].map((l) => [versionKey(l.version), l]));
  const everApplied = new Set([...db.everApplied].map(versionKey));
  const result: MigrationStatus[] = [];
  const files = new Set<string>();
  for (const m of versionedOf(migrations)) {
    const key = versionKey(m.version);
    files.add(key);
    const record = db.records.get(m.version) ?? records.get(key);
    const base = { version: m.version, name: m.name, fileName: m.fileName, checksum: m.checksum };
    if (record) {
      const changed = record.checksum !== null && record.checksum !== m.checksum;
      const state: MigrationState = changed ? 'changed' : record.kind === 'baseline' || record.kind === 'adopted' ? 'baseline' : 'applied';
      result.push({ ...base, state, recordedChecksum: record.checksum, appliedAt: record.appliedAt });
      continue;
    }
    const ledger = ledgers.get(key);
    if (ledger) result.push({ ...base, state: 'in-progress', statementsDone: ledger.nextStatement });
    else if (everApplied.has(key)) result.push({ ...base, state: 'rolled-back' });
    else if (latestRecorded !== undefined && compareVersions(m.version, latestRecorded) < 0) result.push({ ...base, state: 'out-of-order' });
    else result.push({ ...base, state: 'pending' });
  }
  for (const record of versioned) {
    if (!files.has(versionKey(record.version))) {
      result.push({ version: record.version, name: record.name, state: 'missing', recordedChecksum: record.checksum, appliedAt: record.appliedAt });
    }
  }
  const byVersion = (a: MigrationStatus, b: MigrationStatus) =>
    isVersion(a.version) && isVersion(b.version) ? compareVersions(a.version, b.version) : a.version.localeCompare(b.version);
  return [...result.sort(byVersion), ...repeatableStatuses(migrations.filter((m) => m.repeatable), db.records, parameters)];
}
