import { MigrationStateError } from './errors';
import { Migration, versionedOf } from './migration-set';
import { compareVersions, isVersion } from './naming';
import { ParameterValues } from './parameters';
import { appliedChecksum, isCurrent } from './repeatable';
import { computeStatus, DatabaseState, MigrationStatus } from './status';

/** The decisions a user may change about what a run applies. */
export interface SelectionPolicy {
  /** A file changed after it was applied: fail (default), or accept it with a warning. */
  readonly onChangedFile?: 'fail' | 'accept';
  /** A never-applied file older than the newest applied version: fail (default), or apply it. */
  readonly outOfOrder?: 'fail' | 'apply';
  /** With nothing recorded, record the files up to this version without running them. */
  readonly baselineVersion?: string;
}

/** Something a run reports and goes on with. */
export interface SelectionNotice {
  readonly event: 'missing-file' | 'changed-file' | 'rolled-back' | 'database-ahead';
  readonly message: string;
  readonly version?: string;
}

export interface WorkSelection {
  /** Files to record as a baseline without running them. */
  readonly baseline: Migration[];
  /**
   * Files to apply, in order, each from its first statement not known to be committed: the
   * versioned files, then the repeatable files that are pending or outdated (always whole).
   */
  readonly files: Array<{ readonly migration: Migration; readonly from: number }>;
  readonly notices: SelectionNotice[];
}

const RECORDED = new Set(['applied', 'baseline', 'changed', 'missing']);

/**
 * What a run applies, given every file's state: the one decision shared by the runner and the
 * CLI's `plan`. Missing and rolled-back files are reported; a database ahead of the set (a stack
 * rollback) gets nothing; changed and out-of-order files stop the run unless the policy accepts them.
 * Repeatable files come after the versioned ones; a baseline never records them.
 */
export function selectWork(
  all: ReadonlyArray<Migration>, allStatuses: ReadonlyArray<MigrationStatus>, policy: SelectionPolicy = {},
): WorkSelection {
  const migrations = versionedOf(all);
  const statuses = versionedOf(allStatuses);
  const byKey = new Map(all.map((m) => [m.version, m]));
  const repeatables = allStatuses
    .filter((s) => s.repeatable && (s.state === 'pending' || s.state === 'outdated'))
    .map((s) => ({ migration: byKey.get(s.version)!, from: 0 }));
  const notices: SelectionNotice[] = [];
  const problems: string[] = [];
  for (const s of statuses) {
    if (s.state === 'missing') {
      notices.push({ event: 'missing-file', message: `${s.version}_${s.name} is recorded in schema_migrations but has no file in this set`, version: s.version });
    } else if (s.state === 'changed') {
      const message = `${s.fileName} was changed after it was applied: recorded checksum ${s.recordedChecksum}, file checksum ${s.checksum}`;
      if (policy.onChangedFile === 'accept') notices.push({ event: 'changed-file', message: `${message} (accepted)`, version: s.version });
      else problems.push(`${message}. Restore the file as it was applied and put the change in a new migration, or accept changed files explicitly.`);
    } else if (s.state === 'rolled-back') {
      notices.push({
        event: 'rolled-back',
        message: `${s.fileName} was applied before and its record was deleted later (a forward rollback); it is not applied again. Give it a new version to apply it again.`,
        version: s.version,
      });
    }
  }
  const recorded = statuses.filter((s) => RECORDED.has(s.state) && isVersion(s.version)).map((s) => s.version).sort(compareVersions);
  const latestFile = migrations[migrations.length - 1]?.version;
  const ahead = recorded.filter((v) => latestFile === undefined || compareVersions(v, latestFile) > 0);
  if (ahead.length > 0) {
    // CloudFormation rolling back sends the previous, shorter set: the database is ahead of it.
    // Nothing is applied; the deploy reports the database as it is.
    notices.push({ event: 'database-ahead', message: `the database holds versions newer than this set (${ahead.join(', ')}); nothing is applied (a stack rollback?)` });
    return { baseline: [], files: [], notices };
  }

  const byVersion = new Map(migrations.map((m) => [m.version, m]));
  // With nothing recorded no file can be changed, so `problems` is empty here.
  const inProgress = statuses.filter((s) => s.state === 'in-progress');
  if (baselineApplies(policy.baselineVersion, recorded.length, inProgress.map((s) => s.statementsDone ?? 0))) {
    const upTo = policy.baselineVersion!;
    return {
      baseline: migrations.filter((m) => compareVersions(m.version, upTo) <= 0),
      files: [...migrations.filter((m) => compareVersions(m.version, upTo) > 0).map((migration) => ({ migration, from: 0 })), ...repeatables],
      notices,
    };
  }
  const latest = recorded[recorded.length - 1];
  const files: Array<{ migration: Migration; from: number }> = [];
  for (const s of statuses) {
    const migration = byVersion.get(s.version);
    if (!migration) continue;
    if (s.state === 'pending') {files.push({ migration, from: 0 });} else if (s.state === 'in-progress') {files.push({ migration, from: s.statementsDone ?? 0 });} else if (s.state === 'out-of-order') {
      if (policy.outOfOrder === 'apply') {files.push({ migration, from: 0 });} else {
        problems.push(
          `${s.fileName} is older than the newest applied migration ${latest} and was never applied. ` +
            `Rename it to a version after ${latest}, or allow out-of-order migrations explicitly.`,
        );
      }
    }
  }
  if (problems.length > 0) throw new MigrationStateError(problems.join('\n'));
  return { baseline: [], files: [...files, ...repeatables], notices };
}

/**
 * `selectWork` from the database's state. The common deploy changes nothing: every file recorded
 * and unchanged, nothing else recorded, nothing in progress. That is decided by one record lookup
 * and checksum comparison per file, without building a status for each (a no-op at 10,000 files
 * stays close to reading the records once); anything else goes through `computeStatus`.
 */
export function selectWorkFromState(
  migrations: ReadonlyArray<Migration>, state: DatabaseState, policy: SelectionPolicy = {}, parameters?: ParameterValues,
): WorkSelection {
  if (state.ledger.size === 0 && state.records.size === migrations.length && migrations.every((m) => isUnchangedRecord(m, state, parameters))) {
    return { baseline: [], files: [], notices: [] };
  }
  return selectWork(migrations, computeStatus(migrations, state, parameters), policy);
}

/**
 * Recorded under its own version, with the file's checksum (or none kept); a repeatable file,
 * with the checksum of its text and the values it uses.
 */
function isUnchangedRecord(m: Migration, state: DatabaseState, parameters?: ParameterValues): boolean {
  const record = state.records.get(m.version);
  if (m.repeatable) return isCurrent(record, appliedChecksum(m, parameters));
  return record !== undefined && (record.checksum === null || record.checksum === m.checksum);
}

/**
 * Whether `baselineVersion` records files now: only while nothing is recorded and no file has
 * statements committed by this runner. A first deploy that failed on the existing schema (its first
 * statement met an object that is already there) leaves a progress row with nothing committed,
 * and does not stop a baseline deployed next.
 */
export function baselineApplies(baselineVersion: string | undefined, recordedCount: number, statementsDone: ReadonlyArray<number>): boolean {
  return baselineVersion !== undefined && recordedCount === 0 && statementsDone.every((n) => n === 0);
}
