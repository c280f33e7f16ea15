import { createHash, randomBytes } from 'crypto';
import * as os from 'os';
import { AsyncObject, asyncObjectOf, findJobOf, forgetJobs, JobProblem, judgeJobs, objectKey } from './async-jobs';
import { ensureTables, inspectTables, JOBS_TABLE, LEDGER_TABLE, MIGRATIONS_TABLE, readRecords, readState, recordStatement, recordUnrun, rerecordStatement, SqlSession, StoredState, WriteGuard } from './bookkeeping';
import { ConnectFn, reconnect } from './connect';
import { Dialect } from './dialect';
import { isAlreadyDone, isConnectionLost, isRetryable, MigrationError, MigrationStateError, RetryOptions, withProgress, withRetries } from './errors';
import { FileTransaction, oneByOne, planFile, planRepeatable } from './file-plan';
import { LeaseLock, LeaseLostError } from './lock';
import { Migration, normalizeSql, versionedOf } from './migration-set';
import { compareVersions, latestVersion, versionKey } from './naming';
import { failUnless, isNoteRefused, oneMessage, withLiterals } from './one-message';
import { ParameterValues, redactParameters, substituteParameters } from './parameters';
import { PlannedStatement } from './plan';
import { appliedChecksum, isRepeatableRecord, REPEATABLE_KIND } from './repeatable';
import { baselineApplies, selectWorkFromState } from './selection';
import { changesRole } from './session-settings';
import { computeStatus, DatabaseState, LedgerEntry, MigrationStatus } from './status';
import { dsqlStrictSession } from './strict';

export { SqlSession } from './bookkeeping';
export type { ConnectFn } from './connect';
export { MigrationError, MigrationStateError } from './errors';
export type { RunProgress } from './errors';
export { LeaseLostError } from './lock';

/** The run stopped because its caller asked (Ctrl-C in the CLI): its lease is released, and the next run resumes. */
export class RunInterruptedError extends MigrationStateError {
  constructor() {
    super('Interrupted: stopped before committing anything more, and released the migration lease; the next run resumes where this one stopped.');
    this.name = 'RunInterruptedError';
  }
}

/** A structured event for logs; never carries credentials or connection strings. */
export interface RunnerEvent {
  readonly event:
  | 'run-start' | 'migration-applied' | 'run-complete' | 'missing-file' | 'waiting-for-jobs' | 'waiting-for-lock'
  | 'retry' | 'reconnect' | 'reconnect-refused' | 'resume' | 'database-ahead' | 'changed-file' | 'rolled-back' | 'baseline' | 'uncertain-statement-done'
  | 'deadline' | 'failed' | 'role-mapping';
  readonly [key: string]: unknown;
}

export interface RunOptions {
  /** The server's dialect. @default detected: DSQL when the `sys.jobs` view exists */
  readonly dialect?: Dialect;
  /** Receives structured events: one per applied file, per retry, per reconnect, per run. */
  readonly log?: (event: RunnerEvent) => void;
  /** Refuse on PostgreSQL what DSQL refuses in a transaction (see `dsqlStrictSession`). @default false */
  readonly strict?: boolean;
  /** A file changed after it was applied: fail (default), or accept it with a warning. */
  readonly onChangedFile?: 'fail' | 'accept';
  /** A file older than the newest applied version that was never applied: fail (default), or apply it. */
  readonly outOfOrder?: 'fail' | 'apply';
  /**
   * Adopt a database that already holds the schema: when `schema_migrations` is empty, record every
   * file up to this version as a baseline without running it.
   */
  readonly baselineVersion?: string;
  /** Names the lease holder. @default host, pid and a random suffix */
  readonly owner?: string;
  /**
   * How long the lease lasts without renewal, so how long a runner that died (killed, timed out,
   * its server restarted) blocks the next run. A live runner renews it every third of this on a
   * connection of its own, however long its statements take. @default 30000
   */
  readonly leaseMs?: number;
  /** Renew the lease from a connection of its own; false renews it between statements (one connection only). @default true */
  readonly leaseHeartbeat?: boolean;
  /** How long to wait for another runner's lease before failing. @default 300000 */
  readonly lockWaitMs?: number;
  /** @default 1000 */
  readonly lockPollMs?: number;
  /** While waiting for the lease, how often to log `waiting-for-lock` again after the first. @default 30000 */
  readonly lockWaitLogMs?: number;
  readonly retry?: RetryOptions;
  /** Reconnections allowed after lost connections in one run. @default 5 */
  readonly maxReconnects?: number;
  /** How long to keep retrying a reconnection that the server refuses (a restart). @default 60000 */
  readonly reconnectWindowMs?: number;
  /** Aborting stops the run before its next commit and releases the lease (the CLI's Ctrl-C). */
  readonly signal?: AbortSignal;
  /**
   * Start no new transaction after this time (ms since epoch); the run then ends with
   * `complete: false` and the next run resumes. Keeps each Lambda invocation to a few minutes.
   */
  readonly deadline?: number;
  /**
   * Values of the files' `${{ name }}` placeholders, substituted into each statement as it is sent
   * (see parameters.ts); never logged. A placeholder without a value fails its file. @default none
   */
  readonly parameters?: ParameterValues;
  /**
   * Send each DML transaction with its ledger move or record and the lease check as one
   * simple-query message: one round trip instead of BEGIN, each statement, the note and COMMIT
   * (see one-message.ts). PostgreSQL runs such a message as one transaction; the DSQL
   * documentation does not say whether DSQL accepts several statements in one message, so there
   * it is used only when asked for. @default true on PostgreSQL, false on DSQL
   */
  readonly oneMessageTransactions?: boolean;
}

export interface AppliedMigration {
  readonly version: string;
  readonly name: string;
  readonly statements: number;
  readonly durationMs: number;
}

export interface RunResult {
  readonly dialect: Dialect;
  /** Versioned files applied by this run, in order. */
  readonly applied: AppliedMigration[];
  /** Repeatable files applied (first or again) by this run, in order; `version` is the file's key, `R__description`. */
  readonly repeatables: AppliedMigration[];
  /** Highest version recorded in `schema_migrations` after the run ('' when none). */
  readonly latestVersion: string;
  /** Versioned files recorded in `schema_migrations` after the run (repeatable files' records are not counted). */
  readonly appliedCount: number;
  /** DSQL async job ids started by this run (CREATE INDEX ASYNC, ALTER TABLE ASYNC). */
  readonly asyncJobs: string[];
  /**
   * DSQL async jobs of this set's files still running, started by this run or an earlier one: the
   * deploy is done when they are. (A failed one fails the run; see `judgeJobs`.)
   */
  readonly pendingJobs: string[];
  /** Versions recorded in the database with no file in this set. */
  readonly missing: string[];
  /** Human-readable warnings (missing files, accepted changes, rolled-back versions, database ahead). */
  readonly warnings: string[];
  /** Retries after serialization conflicts, and reconnections after lost connections. */
  readonly retries: number;
  readonly reconnects: number;
  /** False when the deadline stopped the run with files still pending. */
  readonly complete: boolean;
}

/** Whether the server is Aurora DSQL: only DSQL has the `sys.jobs` view of async jobs. */
export async function detectDialect(session: SqlSession): Promise<Dialect> {
  const { rows } = await session.query(
    "SELECT count(*)::int AS n FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace ns ON ns.oid = c.relnamespace WHERE ns.nspname = 'sys' AND c.relname = 'jobs'",
  );
  return Number(rows[0]?.n) > 0 ? 'dsql' : 'postgresql';
}

/**
 * The state of every file and record, read without taking the lock (for `status` and `plan`).
 * `parameters` are the values a run would use (a repeatable file's state depends on them).
 */
export async function readMigrationStatus(
  connect: ConnectFn, migrations: ReadonlyArray<Migration>, parameters?: ParameterValues,
): Promise<MigrationStatus[]> {
  const session = await connect();
  try {
    const tables = await inspectTables(session);
    if (!tables.complete) {
      // Nothing has run yet (or an older version created only some tables): read what there is.
      const records = tables.has(MIGRATIONS_TABLE) ? await readRecords(session) : new Map();
      return computeStatus(migrations, { records, ledger: new Map(), everApplied: new Set() }, parameters);
    }
    return computeStatus(migrations, await readState(session), parameters);
  } finally {
    await session.end().catch(() => undefined);
  }
}

/**
 * Applies the pending migrations of a set, in version order.
 *
 * DSQL commits each DDL statement in a transaction of its own and forbids DDL with DML
 * (docs/dsql-facts.md §2), so a file can stop halfway. The runner therefore keeps a ledger of the
 * statements committed for a file in progress and resumes after them; it records the file only
 * after all of its statements succeeded. One runner at a time holds a lease row; conflicts
 * (40001) are retried; a lost connection is reopened with a fresh token and the run resumes.
 */
export async function applyMigrationSet(connect: ConnectFn, migrations: ReadonlyArray<Migration>, options: RunOptions = {}): Promise<RunResult> {
  const run = new Run(connect, migrations, options);
  return run.execute();
}

class Run {
  private readonly log: (event: RunnerEvent) => void;
  private readonly owner: string;
  private readonly applied: AppliedMigration[] = [];
  private readonly repeatablesApplied: AppliedMigration[] = [];
  /** Each repeatable file's applied checksum under this run's parameter values (see repeatable.ts). */
  private readonly repeatableChecksums: ReadonlyMap<string, string>;
  /** The file being applied, named by the error of a run that fails in it. */
  private applying: Migration | undefined;
  private readonly asyncJobs: string[] = [];
  private pendingJobs: string[] = [];
  private databaseAhead = false;
  private readonly warnings: string[] = [];
  private retries = 0;
  private reconnects = 0;
  private lock: LeaseLock | undefined;
  /** The connection the run's statements use, ended to interrupt them when the run is aborted. */
  private current: SqlSession | undefined;
  private stoppedByDeadline = false;
  private unitsRun = 0;
  /** A file of this session ran `SET ROLE` (or alike) that has not been reset yet. */
  private roleChanged = false;
  private dialect: Dialect | undefined;
  /** Ledger rows as this run knows them (read at start, then kept in step with its own writes), by `versionKey`. */
  private ledger = new Map<string, LedgerEntry>();

  constructor(private readonly connect: ConnectFn, private readonly migrations: ReadonlyArray<Migration>, private readonly options: RunOptions) {
    this.log = options.log ?? (() => undefined);
    this.owner = options.owner ?? `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    this.repeatableChecksums = new Map(migrations.filter((m) => m.repeatable).map((m) => [m.version, appliedChecksum(m, options.parameters)]));
  }

  public async execute(): Promise<RunResult> {
    const maxReconnects = this.options.maxReconnects ?? 5;
    const signal = this.options.signal;
    const interrupt = () => void this.current?.end().catch(() => undefined);
    signal?.addEventListener('abort', interrupt);
    try {
      for (;;) {
        if (signal?.aborted) throw new RunInterruptedError();
        const raw = this.reconnects === 0
          ? await this.connect()
          : await reconnect(this.connect, this.options.reconnectWindowMs ?? 60_000, (code, delayMs) => this.log({ event: 'reconnect-refused', code, delayMs }));
        this.current = raw;
        const session = this.options.strict ? dsqlStrictSession(raw) : raw;
        try {
          return await this.attempt(session);
        } catch (e) {
          if (signal?.aborted) throw new RunInterruptedError();
          if (!isConnectionLost(e) || this.reconnects >= maxReconnects) throw e;
          this.reconnects++;
          this.log({ event: 'reconnect', attempt: this.reconnects, code: (e as { code?: string }).code });
        } finally {
          this.current = undefined;
          await raw.end().catch(() => undefined);
        }
      }
    } catch (e) {
      throw withProgress(e, { applied: this.applied, failedFile: this.applying?.fileName });
    } finally {
      signal?.removeEventListener('abort', interrupt);
      await this.lock?.release().catch(() => undefined);
    }
  }

  private leaseLock(): LeaseLock {
    this.lock ??= new LeaseLock(this.connect, {
      owner: this.owner,
      leaseMs: this.options.leaseMs,
      heartbeat: this.options.leaseHeartbeat,
      lockRow: this.dialect === 'postgresql',
      waitMs: this.options.lockWaitMs,
      pollMs: this.options.lockPollMs,
      waitLogMs: this.options.lockWaitLogMs,
      signal: this.options.signal,
      reconnectMs: this.options.reconnectWindowMs,
      onWait: (holder) => this.log({ event: 'waiting-for-lock', holder: holder.owner, since: holder.acquiredAt, until: holder.expiresAt, first: holder.first, waitedMs: holder.waitedMs }),
      onRetry: (code) => this.log({ event: 'retry', code, attempt: 1 }),
      onReconnect: (code) => this.log({ event: 'reconnect', connection: 'lease', code }),
    });
    return this.lock;
  }

  /** Before each transaction: stop if asked to, or if the lease is no longer ours. */
  private async checkpoint(): Promise<void> {
    if (this.options.signal?.aborted) throw new RunInterruptedError();
    await this.lock?.keep();
  }

  private retryOptions(): RetryOptions {
    return {
      ...this.options.retry,
      onRetry: (info) => {
        this.retries++;
        this.log({ event: 'retry', code: info.code, attempt: info.attempt, delayMs: info.delayMs });
        this.options.retry?.onRetry?.(info);
      },
    };
  }

  private async attempt(session: SqlSession): Promise<RunResult> {
    this.roleChanged = false;
    this.dialect ??= this.options.dialect ?? (await detectDialect(session));
    await ensureTables(session, (code) => this.log({ event: 'retry', code, attempt: 1 }));
    let state = await readState(session);
    // A run with nothing to do takes no lock and sends no further query (a lease this run took
    // before a lost connection is released when the run ends).
    if (this.work(state).length === 0 && !this.needsBaseline(state)) return this.conclude(session, state);
    // The lease lives on a connection of its own, so it outlives this one when it is lost.
    const lock = this.leaseLock();
    if (!lock.isHeld) await lock.acquire();
    // Another runner may have applied files while this one waited.
    state = await readState(session);
    if (this.needsBaseline(state)) state = await this.baseline(session);
    this.ledger = new Map([...state.ledger.values()].map((e) => [versionKey(e.version), e]));
    try {
      for (const migration of this.work(state)) {
        if (migration.repeatable) await this.applyRepeatable(session, migration, state.records.has(migration.version));
        else await this.applyFile(session, migration);
      }
    } catch (e) {
      if (!(e instanceof DeadlineReached)) throw e;
      this.stoppedByDeadline = true;
      this.applying = undefined;
      this.log({ event: 'deadline', message: 'stopped before the deadline; the next run resumes' });
    }
    await lock.release();
    return this.conclude(session, await readState(session));
  }

  /** The files to apply now, after checking drift and order; warnings for what is only reported. */
  private work(state: DatabaseState): Migration[] {
    const selection = selectWorkFromState(this.migrations, state, this.options, this.options.parameters);
    for (const notice of selection.notices) {
      if (notice.event === 'database-ahead') this.databaseAhead = true;
      if (this.warnings.includes(notice.message)) continue;
      this.warnings.push(notice.message);
      this.log({ event: notice.event, message: notice.message, ...(notice.version ? { version: notice.version } : {}) });
    }
    return selection.files.map((f) => f.migration);
  }

  /** The same decision as `selectWork`'s; recording a baselined file clears its progress row. */
  private needsBaseline(state: DatabaseState): boolean {
    return baselineApplies(this.options.baselineVersion, state.records.size, [...state.ledger.values()].map((l) => l.nextStatement));
  }

  /** Records the files up to the baseline version without running them (DML only, in batches). */
  private async baseline(session: SqlSession): Promise<StoredState> {
    const upTo = this.options.baselineVersion!;
    const files = versionedOf(this.migrations).filter((m) => compareVersions(m.version, upTo) <= 0);
    await recordUnrun(session, files, 'baseline', this.owner, (s) => this.lock!.confirm(s), this.retryOptions());
    this.log({ event: 'baseline', version: upTo, recorded: files.length });
    return readState(session);
  }

  /**
   * Ends a run: a deploy never succeeds while an index or constraint made by a file of this set
   * is not valid because its async job failed. The jobs table keeps each job until it is judged
   * settled, so every later run checks it again until a later migration drops and recreates (or
   * validates again) the object.
   */
  private async conclude(session: SqlSession, state: StoredState): Promise<RunResult> {
    const byVersion = new Map(this.migrations.map((m) => [versionKey(m.version), m]));
    const kept = state.jobs.filter((j) => byVersion.has(versionKey(j.version)));
    if (kept.length > 0) {
      const verdict = await judgeJobs(session, kept, this.dialect === 'dsql');
      if (verdict.settled.length > 0) await withRetries(() => forgetJobs(session, verdict.settled), this.retryOptions());
      this.pendingJobs = verdict.pending;
      // A run stopped by its deadline has later files (maybe the fix) to come; a stack rollback must not fail.
      if (verdict.failed.length > 0 && !this.stoppedByDeadline && !this.databaseAhead) {
        throw new MigrationStateError(verdict.failed.map((f) => describeFailedJob(f, byVersion.get(versionKey(f.version))!)).join('\n'));
      }
    }
    return this.finish(state);
  }

  private finish(state: DatabaseState): RunResult {
    const recorded = [...state.records.values()].filter((r) => !isRepeatableRecord(r)).map((r) => r.version);
    const known = new Set(this.migrations.map((m) => versionKey(m.version)));
    const latest = latestVersion(recorded) ?? '';
    const result: RunResult = {
      dialect: this.dialect!,
      applied: this.applied,
      repeatables: this.repeatablesApplied,
      latestVersion: latest,
      appliedCount: recorded.length,
      asyncJobs: this.asyncJobs,
      pendingJobs: this.pendingJobs,
      missing: recorded.filter((v) => !known.has(versionKey(v))).sort(compareVersions),
      warnings: this.warnings,
      retries: this.retries,
      reconnects: this.reconnects,
      complete: !this.stoppedByDeadline,
    };
    this.log({ event: 'run-complete', applied: this.applied.length, latestVersion: latest, appliedCount: recorded.length, asyncJobs: this.asyncJobs.length, retries: this.retries, reconnects: this.reconnects });
    return result;
  }

  private async applyFile(session: SqlSession, migration: Migration): Promise<void> {
    const started = Date.now();
    this.applying = migration;
    const entry = this.ledger.get(versionKey(migration.version));
    let from = 0;
    let uncertain: number | null = null;
    if (entry) {
      const expected = prefixHash(migration, entry.uncertainStatement ?? entry.nextStatement - 1);
      if (expected !== entry.prefixHash) {
        throw new MigrationStateError(
          `${migration.fileName} was half-applied (statements 1-${entry.nextStatement} committed) and those statements have changed since. ` +
            'Restore them as they were; only statements after the committed ones may be edited.',
        );
      }
      // Renamed since it stopped (0001_x.sql to 00001_x.sql, the same version): the row takes the
      // file's spelling, which the later ledger writes and the record use.
      if (entry.version !== migration.version) await this.respellLedger(session, entry, migration.version);
      from = entry.nextStatement;
      uncertain = entry.uncertainStatement;
      this.log({ event: 'resume', version: migration.version, fromStatement: from + 1 });
    }
    const plan = planFile(migration, from, this.dialect!);
    const planned = migration.units.flatMap((u) => u.statements);
    let current = plan.transactions[0]?.statements[0].statement ?? planned[planned.length - 1];
    try {
      for (const { statement, text } of plan.replay) await this.send(session, migration, statement, text);
      for (const [i, transaction] of plan.transactions.entries()) {
        current = transaction.statements[0].statement;
        await this.checkpoint();
        if (this.deadlinePassed()) {
          // Idempotent statements leave no ledger entry; note how far this file got, or the next
          // run would start it over and, with the same budget, never get further.
          const note = () => this.asRunner(session, () => this.writeLedger(session, migration, current.index, null));
          if (i > 0) await withRetries(note, this.retryOptions());
          throw new DeadlineReached();
        }
        if (transaction.kind === 'with-notes') await this.runGroup(session, migration, transaction);
        else await this.runAlone(session, migration, transaction, uncertain);
        this.unitsRun++;
        uncertain = null;
      }
      await this.resetSettings(session, plan.resets);
      if (plan.recordsAfter) {
        await this.checkpoint();
        await this.record(session, migration);
      }
    } catch (e) {
      if (plan.resets.length > 0 && !isConnectionLost(e)) await this.resetSettings(session, plan.resets).catch(() => undefined);
      throw namingTheFile(e, migration, current);
    }
    this.done(migration, started);
  }

  /** A file applied and recorded: reported in the result and the log. */
  private done(migration: Migration, started: number): void {
    const applied = { version: migration.version, name: migration.name, statements: migration.statements.length, durationMs: Date.now() - started };
    (migration.repeatable ? this.repeatablesApplied : this.applied).push(applied);
    this.applying = undefined;
    this.log({ event: 'migration-applied', ...applied, ...(migration.repeatable ? { repeatable: true } : {}) });
  }

  /** At least one transaction per run, so that every invocation makes progress. */
  private deadlinePassed(): boolean {
    return this.options.deadline !== undefined && this.unitsRun > 0 && Date.now() >= this.options.deadline;
  }

  /**
   * Applies a repeatable file whole, each transaction as a versioned file's (one DDL per
   * transaction, retries), without the progress ledger: a run that stops in it records nothing, and
   * the next run applies the whole file again (so it must be re-runnable). Recorded last, with its
   * applied checksum, only while the lease is held. The deadline is checked before the file only:
   * stopped between its statements, a file would start over in every invocation and never end.
   */
  private async applyRepeatable(session: SqlSession, migration: Migration, recorded: boolean): Promise<void> {
    if (this.deadlinePassed()) throw new DeadlineReached();
    const started = Date.now();
    this.applying = migration;
    const plan = planRepeatable(migration, this.dialect!);
    let current: PlannedStatement | undefined;
    try {
      for (const transaction of plan.transactions) {
        current = transaction.statements[0].statement;
        await this.checkpoint();
        await this.runAlone(session, migration, transaction, null);
        this.unitsRun++;
      }
      await this.resetSettings(session, plan.resets);
      await this.checkpoint();
      const checksum = this.repeatableChecksums.get(migration.version)!;
      const write = (guard: WriteGuard) => recorded
        ? rerecordStatement(migration.version, migration.name, checksum, this.owner, guard)
        : recordStatement(migration.version, migration.name, checksum, REPEATABLE_KIND, this.owner, guard);
      await withRetries(() => this.asRunner(session, async () => {
        const record = write((first) => this.lock!.condition(first));
        const { rows } = await session.query(record.text, record.params);
        if (rows.length === 0) this.lock!.takenOver();
      }), this.retryOptions());
    } catch (e) {
      if (plan.resets.length > 0 && !isConnectionLost(e)) await this.resetSettings(session, plan.resets).catch(() => undefined);
      throw namingTheFile(e, migration, current);
    }
    this.done(migration, started);
  }

  /** Ends a file's session settings (see session-settings.ts), so the next file starts as the connection opened. */
  private async resetSettings(session: SqlSession, resets: ReadonlyArray<string>): Promise<void> {
    for (const reset of resets) await session.query(reset);
    if (resets.length > 0) this.roleChanged = false;
  }

  /**
   * Runs bookkeeping written outside a migration's transactions as the connecting user: after a
   * file's `SET ROLE`, in a transaction of its own under `SET LOCAL ROLE NONE`.
   */
  private async asRunner<T>(session: SqlSession, work: () => Promise<T>): Promise<T> {
    if (!this.roleChanged) return work();
    let result: T | undefined;
    await this.inTransaction(session, async () => {
      await session.query('SET LOCAL ROLE NONE');
      result = await work();
    });
    return result as T;
  }

  private async record(session: SqlSession, migration: Migration): Promise<void> {
    const record = recordStatement(migration.version, migration.name, migration.checksum, 'migration', this.owner);
    await withRetries(() => this.asRunner(session, () => session.query(record.text, record.params)), this.retryOptions());
    this.ledger.delete(versionKey(migration.version));
  }

  /** A DSQL refusal for size (54000) rolled the whole group back: its statements go one transaction each. */
  private async runGroup(session: SqlSession, migration: Migration, transaction: FileTransaction): Promise<void> {
    try {
      await this.runWithNotes(session, migration, transaction);
    } catch (e) {
      // DSQL may refuse it at a statement or at COMMIT.
      const code = e instanceof MigrationError ? e.sqlState : (e as { code?: string }).code;
      if (!transaction.grouped || code !== '54000') throw e;
      for (const single of oneByOne(transaction)) await this.runWithNotes(session, migration, single);
    }
  }

  /**
   * A DML transaction (or a block without DDL) moves the ledger, or records the file, in the same
   * commit, so its rows are never written twice, whatever happens after. The lease check is a
   * condition of that write: one query for all of the runner's notes.
   */
  private async runWithNotes(session: SqlSession, migration: Migration, transaction: FileTransaction): Promise<void> {
    const statements = transaction.statements;
    const after = statements[statements.length - 1].statement.index + 1;
    if (await this.sentAsOneMessage(session, migration, transaction, after)) return;
    let jobs: StartedJob[] = [];
    await withRetries(
      () =>
        this.inTransaction(session, async () => {
          jobs = [];
          for (const { statement, text } of statements) jobs.push(...(await this.send(session, migration, statement, text)));
          if (this.roleChanged) await session.query('SET LOCAL ROLE NONE');
          const guard = (first: number) => this.lock!.condition(first);
          if (transaction.recordsFile) {
            const record = recordStatement(migration.version, migration.name, migration.checksum, 'migration', this.owner, guard);
            const { rows } = await session.query(record.text, record.params);
            if (rows.length === 0) this.lock!.takenOver();
          } else {
            await this.writeLedger(session, migration, after, null, guard);
          }
        }),
      this.retryOptions(),
    );
    if (transaction.recordsFile) this.ledger.delete(versionKey(migration.version));
    await this.recordJobs(session, migration, jobs);
  }

  /**
   * The same transaction as `runWithNotes`, as one message (see one-message.ts): its statements,
   * the note conditioned on the lease, and a statement that fails unless the note was written,
   * so a lost lease rolls the data back too. True when it committed. Any other outcome but a lost
   * connection, a conflict or a lost lease left nothing committed (the message rolled back whole),
   * and the caller sends the transaction again statement by statement: that names the failing
   * statement with its file and line. Not used for what needs the runner
   * between statements: a role change (its notes are written as the runner) or an async statement.
   */
  private async sentAsOneMessage(session: SqlSession, migration: Migration, transaction: FileTransaction, after: number): Promise<boolean> {
    if (!(this.options.oneMessageTransactions ?? this.dialect === 'postgresql') || this.roleChanged) return false;
    const texts = transaction.statements.flatMap((s) => (s.text === undefined ? [] : [s.text]));
    if (texts.some((t) => changesRole(t) || asyncObjectOf(t) !== undefined)) return false;
    const guard = (first: number) => this.lock!.condition(first);
    const move = transaction.recordsFile ? undefined : this.ledgerWrite(migration, after, null, guard);
    const note = move ?? recordStatement(migration.version, migration.name, migration.checksum, 'migration', this.owner, guard);
    const noteText = withLiterals(note.text, note.params);
    if (noteText === undefined) return false;
    const written = transaction.recordsFile
      ? `EXISTS (SELECT 1 FROM ${MIGRATIONS_TABLE} WHERE version = $1)`
      : `EXISTS (SELECT 1 FROM ${LEDGER_TABLE} WHERE version = $1 AND next_statement = $2)`;
    const inTime = this.lock!.conditionAtCommit(3);
    const check = withLiterals(`${written} AND ${inTime.sql}`, [migration.version, after, ...inTime.params]);
    try {
      const values = this.options.parameters ?? {};
      const message = oneMessage([...texts.map((t) => substituteParameters(t, values)), noteText, failUnless(check!)]);
      await withRetries(() => session.query(message), this.retryOptions());
    } catch (e) {
      if (isConnectionLost(e) || isRetryable(e)) throw e;
      // The lease was taken over (confirm throws), or another runner recorded the file (the step-by-step write says so).
      if (isNoteRefused(e)) await this.lock!.confirm(session);
      return false;
    }
    if (move) this.ledger.set(versionKey(migration.version), move.entry);
    else this.ledger.delete(versionKey(migration.version));
    return true;
  }

  /**
   * A statement outside any block (DSQL: one DDL per transaction), or a block holding DDL: its
   * own transaction, with the runner's notes written before and after it, never inside.
   */
  private async runAlone(session: SqlSession, migration: Migration, transaction: FileTransaction, uncertain: number | null): Promise<void> {
    const first = transaction.statements[0].statement;
    if (transaction.intentBefore) {
      // Intent first: if the connection drops before the commit is confirmed, the next run knows
      // that this unit may have committed, and that all before it did.
      await withRetries(() => this.asRunner(session, () => this.writeLedger(session, migration, first.index, first.index)), this.retryOptions());
    }
    try {
      const jobs = await withRetries(async () => {
        if (!transaction.block) return this.send(session, migration, first, transaction.statements[0].text);
        const started: StartedJob[] = [];
        await this.inTransaction(session, async () => {
          for (const { statement, text } of transaction.statements) started.push(...(await this.send(session, migration, statement, text)));
        });
        return started;
      }, this.retryOptions());
      await this.recordJobs(session, migration, jobs);
    } catch (e) {
      const cause = e instanceof MigrationError ? e : undefined;
      if (uncertain === first.index && cause && isAlreadyDone({ code: cause.sqlState })) {
        // The previous run lost its connection right after sending this statement, and its work is
        // there: it committed. Take it as done rather than fail on "already exists".
        this.log({ event: 'uncertain-statement-done', version: migration.version, statement: first.index + 1, code: cause.sqlState });
      } else {
        if (cause && transaction.intentBefore) {
          // The statement definitely did not commit: clear the intent so it can be fixed and re-run.
          await this.asRunner(session, () => this.writeLedger(session, migration, first.index, null)).catch(() => undefined);
        }
        throw e;
      }
    }
  }

  /** Sends one statement; returns the DSQL async jobs it started (for an async statement without a job id, its object only). */
  private async send(session: SqlSession, migration: Migration, statement: PlannedStatement, text: string | undefined): Promise<StartedJob[]> {
    if (text === undefined) return [];
    let rows: Array<Record<string, unknown>>;
    const values = this.options.parameters ?? {};
    try {
      ({ rows } = await session.query(substituteParameters(text, values)));
    } catch (e) {
      const err = e as { code?: string; message?: string };
      // Retryable conflicts and lost connections propagate as they are; the caller handles them.
      if (isRetryable(e) || isConnectionLost(e)) throw e;
      const message = redactParameters(err.message ?? String(e), values);
      throw new MigrationError(migration.fileName, migration.version, statement.index + 1, statement.line, err.code, message);
    }
    if (changesRole(text)) this.roleChanged = true;
    const object = asyncObjectOf(statement.text);
    const jobIds = (rows ?? []).filter((row) => typeof row.job_id === 'string').map((row) => String(row.job_id));
    if (jobIds.length === 0) return object && this.dialect === 'dsql' ? [{ object }] : [];
    return jobIds.map((jobId) => ({ jobId, object }));
  }

  /**
   * Keeps job ids in the database (DML, after the DDL's own transaction), so that every later run
   * checks them. An async statement that returned no job id (run again after a lost connection, or
   * `IF NOT EXISTS` meeting the object while it is built) gets its job found again by object.
   */
  private async recordJobs(session: SqlSession, migration: Migration, jobs: ReadonlyArray<StartedJob>): Promise<void> {
    for (const job of jobs) {
      const jobId = job.jobId ?? (job.object ? await findJobOf(session, job.object) : undefined);
      if (jobId === undefined) continue;
      if (job.jobId) this.asyncJobs.push(jobId);
      const params = [jobId, migration.version, this.owner, job.object ? objectKey(job.object) : null];
      await withRetries(
        () => this.asRunner(session, () => session.query(
          `INSERT INTO ${JOBS_TABLE} (job_id, version, owner, object_name) SELECT $1, $2, $3, $4 WHERE NOT EXISTS (SELECT 1 FROM ${JOBS_TABLE} WHERE job_id = $1)`,
          params,
        )),
        this.retryOptions(),
      );
    }
  }

  /**
   * Moves the file's ledger row (or creates it). With a guard (the lease check), a write the guard
   * stops changes no row: the lease was taken over.
   */
  private async writeLedger(session: SqlSession, migration: Migration, next: number, uncertain: number | null, guard?: WriteGuard): Promise<void> {
    const write = this.ledgerWrite(migration, next, uncertain, guard);
    const { rows } = await session.query(write.text, write.params);
    if (write.update && rows.length === 0) {
      // Only another runner removes a ledger row this run is writing: it recorded the file.
      if (guard) this.lock!.takenOver();
      throw new LeaseLostError(this.owner, `another runner recorded ${migration.fileName} meanwhile`);
    }
    if (guard && rows.length === 0) this.lock!.takenOver();
    this.ledger.set(versionKey(migration.version), write.entry);
  }

  /** The statement that moves the file's ledger row (an UPDATE when this run knows the row) and the row it leaves. */
  private ledgerWrite(migration: Migration, next: number, uncertain: number | null, guard?: WriteGuard) {
    const hash = prefixHash(migration, uncertain ?? next - 1);
    const params: unknown[] = [migration.version, next, hash, uncertain];
    const check = guard?.(params.length + 1);
    const condition = check ? ` AND ${check.sql}` : '';
    if (check) params.push(...check.params);
    const entry: LedgerEntry = { version: migration.version, nextStatement: next, prefixHash: hash, uncertainStatement: uncertain };
    const update = this.ledger.has(versionKey(migration.version));
    const text = update
      ? `UPDATE ${LEDGER_TABLE} SET next_statement = $2, prefix_hash = $3, uncertain_statement = $4, updated_at = NOW() WHERE version = $1${condition} RETURNING version`
      : check
        ? `INSERT INTO ${LEDGER_TABLE} (version, next_statement, prefix_hash, uncertain_statement) SELECT $1::text, $2::int, $3::text, $4::int WHERE ${check.sql} RETURNING version`
        : `INSERT INTO ${LEDGER_TABLE} (version, next_statement, prefix_hash, uncertain_statement) VALUES ($1, $2, $3, $4) RETURNING version`;
    return { text, params, entry, update };
  }

  private async respellLedger(session: SqlSession, entry: LedgerEntry, version: string): Promise<void> {
    const rename = () => session.query(`UPDATE ${LEDGER_TABLE} SET version = $1, updated_at = NOW() WHERE version = $2`, [version, entry.version]);
    await withRetries(() => this.asRunner(session, rename), this.retryOptions());
    this.ledger.set(versionKey(version), { ...entry, version });
  }

  private async inTransaction(session: SqlSession, work: () => Promise<void>): Promise<void> {
    const ledgerBefore = new Map(this.ledger);
    await session.query('BEGIN');
    try {
      await work();
      await session.query('COMMIT');
    } catch (e) {
      await session.query('ROLLBACK').catch(() => undefined);
      // A rolled-back ledger write must not stay in memory either.
      this.ledger = ledgerBefore;
      throw e;
    }
  }
}

class DeadlineReached extends Error {}

/** A failed async job, with the file and line of the statement that started it, and the way out. */
function describeFailedJob(job: JobProblem, migration: Migration): string {
  const at = migration.units.flatMap((u) => u.statements).find((s) => {
    const object = asyncObjectOf(s.text);
    return object !== undefined && objectKey(object) === job.object;
  });
  const [kind, name] = job.object ? [job.object.slice(0, job.object.indexOf(':')), job.object.slice(job.object.indexOf(':') + 1)] : ['object', '?'];
  const wayOut = kind === 'constraint'
    ? `fix the rows that break it, then add a migration that validates it again (ALTER TABLE ASYNC ... VALIDATE CONSTRAINT ${name}) or drops it`
    : `fix the data, then add a migration that drops it (DROP INDEX IF EXISTS ${name}) and creates it again`;
  return `${migration.fileName}:${at?.line ?? 1}: ${kind} ${name} is not valid: DSQL async job ${job.jobId} ${job.status}: ${job.details}. ` +
    `The file stays recorded and every deploy fails until a later migration settles it: ${wayOut}.`;
}

/** An async job a statement started, or (without an id) the object whose job must be found again. */
interface StartedJob {
  readonly jobId?: string;
  readonly object?: AsyncObject;
}

/**
 * Every error of a file reaches the user with the file and line: a failed statement already has
 * them; an error of the runner's own bookkeeping, or a conflict that outlasted its retries, gets
 * the statement the runner was at. Lost connections go on to the reconnect logic as they are.
 */
function namingTheFile(e: unknown, migration: Migration, at: PlannedStatement | undefined): unknown {
  if (e instanceof MigrationError || e instanceof MigrationStateError || e instanceof DeadlineReached || isConnectionLost(e)) return e;
  const { code, message } = e as { code?: string; message?: string };
  return new MigrationError(migration.fileName, migration.version, (at?.index ?? 0) + 1, at?.line ?? 1, code, message ?? String(e));
}

/**
 * sha256 of a file's statements 0..last (inclusive), to tell whether a half-applied prefix changed.
 * Line endings are normalised, as for the file's checksum.
 */
function prefixHash(migration: Migration, last: number): string {
  const h = createHash('sha256');
  for (const s of migration.statements.slice(0, Math.max(0, last + 1))) h.update(normalizeSql(s.text)).update('\0');
  return h.digest('hex');
}
