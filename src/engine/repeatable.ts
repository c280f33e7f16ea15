/**
 * Repeatable files (`R__description.sql`, Flyway's convention): views, functions and grants that
 * are replaced rather than migrated. A run applies them after every pending versioned file, in
 * name order, and applies one again whenever its applied checksum differs from the recorded one.
 * Their records live in `schema_migrations` (kind `repeatable`, keyed `R__description`), so that
 * reading the state stays one query and an existing table needs no change.
 */
import { createHash } from 'crypto';
import { Migration } from './migration-set';
import { ParameterValues, placeholdersIn } from './parameters';
import { MigrationRecord, MigrationStatus } from './status';

/** The `kind` of a repeatable file's record. */
export const REPEATABLE_KIND = 'repeatable';

/**
 * What a repeatable file's record holds: its checksum when it uses no placeholder, otherwise a
 * sha256 of that checksum and the names and values of the placeholders it uses. A new value of a
 * parameter the file uses applies it again; a parameter it does not use changes nothing. The
 * values themselves are never stored. (A versioned file's checksum stays the text's alone.)
 */
export function appliedChecksum(migration: Pick<Migration, 'sql' | 'checksum'>, values: ParameterValues = {}): string {
  const names = [...new Set(placeholdersIn(migration.sql).map((p) => p.name))].sort();
  if (names.length === 0) return migration.checksum;
  const h = createHash('sha256').update(migration.checksum);
  for (const name of names) {
    const given = Object.prototype.hasOwnProperty.call(values, name);
    // A value's length first, so that no two lists of values hash alike.
    h.update(`\0${name}\0${given ? `${Buffer.byteLength(values[name], 'utf8')}:${values[name]}` : '-'}`);
  }
  return h.digest('hex');
}

export function isRepeatableRecord(record: Pick<MigrationRecord, 'kind'>): boolean {
  return record.kind === REPEATABLE_KIND;
}

/** Whether a repeatable file with this applied checksum is recorded as applied with it: nothing to run. */
export function isCurrent(record: MigrationRecord | undefined, checksum: string): boolean {
  return record !== undefined && isRepeatableRecord(record) && record.checksum === checksum;
}

/**
 * The state of each repeatable file and record: `pending` (never applied), `applied` (recorded
 * with the same applied checksum), `outdated` (its text or a value it uses changed: applied again
 * by the next run), `missing` (recorded, the file is gone: left as it is, never reported as a problem).
 */
export function repeatableStatuses(
  repeatables: ReadonlyArray<Migration>, records: ReadonlyMap<string, MigrationRecord>, values?: ParameterValues,
): MigrationStatus[] {
  const result: MigrationStatus[] = [];
  for (const m of repeatables) {
    const checksum = appliedChecksum(m, values);
    const record = records.get(m.version);
    const base = { version: m.version, name: m.name, fileName: m.fileName, checksum, repeatable: true };
    if (!record || !isRepeatableRecord(record)) result.push({ ...base, state: 'pending' });
    else result.push({ ...base, state: isCurrent(record, checksum) ? 'applied' : 'outdated', recordedChecksum: record.checksum, appliedAt: record.appliedAt });
  }
  const files = new Set(repeatables.map((m) => m.version));
  const gone = [...records.values()].filter((r) => isRepeatableRecord(r) && !files.has(r.version)).sort((a, b) => a.version.localeCompare(b.version));
  for (const r of gone) {
    result.push({ version: r.version, name: r.name, state: 'missing', recordedChecksum: r.checksum, appliedAt: r.appliedAt, repeatable: true });
  }
  return result;
}
