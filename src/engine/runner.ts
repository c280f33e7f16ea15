import { createHash, randomBytes } from 'crypto';
import * as os from 'os';
import { ensureTables, inspectTables, JOBS_TABLE, LEDGER_TABLE, MIGRATIONS_TABLE, readEverApplied, readState, recordStatement, SqlSession } from './bookkeeping';
import { Dialect, translateForPostgres } from './dialect';
import { isAlreadyDone, isConnectionLost, MigrationError, MigrationStateError, RetryOptions, withRetries } from './errors';
import { isIdempotentStatement } from './idempotency';
import { LeaseLock } from './lock';
import { Migration, normalizeSql } from './migration-set';
import { compareVersions, latestVersion, versionKey } from './naming';
import { PlannedStatement, TransactionUnit } from './plan';
import { selectWork } from './selection';
import { computeStatus, DatabaseState, LedgerEntry, MigrationStatus } from './status';
import { dsqlStrictSession } from './strict';

export { SqlSession } from './bookkeeping';
export { MigrationError, MigrationStateError } from './errors';

/** Opens a new connection. Production makes a fresh IAM token for each call (dsql-facts §5). */
export type ConnectFn = () => Promise<SqlSession>;

/** A structured event for logs; never carries credentials or connection strings. */
export interface RunnerEvent {
  readonly event:
  | 'run-start' | 'migration-applied' | 'run-complete' | 'missing-file' | 'waiting-for-jobs' | 'waiting-for-lock'
  | 'retry' | 'reconnect' | 'resume' | 'database-ahead' | 'changed-file' | 'rolled-back' | 'baseline' | 'uncertain-statement-done' | 'deadline';
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
  readonly leaseMs?: number;
  readonly lockWaitMs?: number;
  readonly lockPollMs?: number;
  readonly retry?: RetryOptions;
  /** Reconnections allowed after lost connections in one run. @default 5 */
  readonly maxReconnects?: number;
  /**
   * Start no new transaction after this time (ms since epoch); the run then ends with
   * `complete: false` and the next run resumes. Keeps each Lambda invocation to a few minutes.
   */
  readonly deadline?: number;
}

export interface AppliedMigration {
  readonly version: string;
  readonly name: string;
  readonly statements: number;
  readonly durationMs: number;
}

export interface RunResult {
  readonly dialect: Dialect;
  /** Files applied by this run, in order. */
  readonly applied: AppliedMigration[];
  /** Highest version recorded in `schema_migrations` after the run ('' when none). */
  readonly latestVersion: string;
  /** Rows in `schema_migrations` after the run. */
  readonly appliedCount: number;
  /** DSQL async job ids started by this run (CREATE INDEX ASYNC, ALTER TABLE ASYNC). */
  readonly asyncJobs: string[];
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

/** The state of every file and record, read without taking the lock (for `status` and `plan`). */
export async function readMigrationStatus(connect: ConnectFn, migrations: ReadonlyArray<Migration>): Promise<MigrationStatus[]> {
  const session = await connect();
  try {
    const tables = await inspectTables(session);
    if (!tables.complete) {
      // Nothing has run yet (or an older version created only some tables): read what there is.
      const records = tables.has(MIGRATIONS_TABLE) ? (await readState(session, { ledger: tables.has(LEDGER_TABLE) })).records : new Map();
      return computeStatus(migrations, { records, ledger: new Map(), everApplied: new Set() });
    }
    const state = await readFullState(session, migrations);
    return computeStatus(migrations, state);
  } finally {
    await session.end().catch(() => undefined);
  }
}

async function readFullState(session: SqlSession, migrations: ReadonlyArray<Migration>): Promise<DatabaseState> {
  const state = await readState(session);
  const unrecorded = migrations.filter((m) => !state.records.has(m.version) && !state.ledger.has(m.version)).map((m) => m.version);
  return { ...state, everApplied: await readEverApplied(session, unrecorded) };
}

/**
 * Applies the pending migrations of a set, in version order.
 *
 * DSQL commits each DDL statement in a transaction of its own and forbids DDL with DML
 * (dsql-facts §2), so a file can stop halfway. The runner therefore keeps a ledger of the
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
  private readonly asyncJobs: string[] = [];
  private readonly warnings: string[] = [];
  private retries = 0;
  private reconnects = 0;
  private leaseTaken = false;
  private stoppedByDeadline = false;
  private unitsRun = 0;
  private dialect: Dialect | undefined;
  /** Ledger rows as this run knows them (read at start, then kept in step with its own writes). */
  private ledger = new Map<string, LedgerEntry>();

  constructor(private readonly connect: ConnectFn, private readonly migrations: ReadonlyArray<Migration>, private readonly options: RunOptions) {
    this.log = options.log ?? (() => undefined);
    this.owner = options.owner ?? `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  }

  public async execute(): Promise<RunResult> {
    const maxReconnects = this.options.maxReconnects ?? 5;
    for (;;) {
      const raw = await this.connect();
      const session = this.options.strict ? dsqlStrictSession(raw) : raw;
      try {
        return await this.attempt(session);
      } catch (e) {
        if (!isConnectionLost(e) || this.reconnects >= maxReconnects) throw e;
        this.reconnects++;
        this.log({ event: 'reconnect', attempt: this.reconnects, code: (e as { code?: string }).code });
      } finally {
        await raw.end().catch(() => undefined);
      }
    }
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
    this.dialect ??= this.options.dialect ?? (await detectDialect(session));
    await ensureTables(session, (code) => this.log({ event: 'retry', code, attempt: 1 }));
    let state = await readFullState(session, this.migrations);
    const lock = new LeaseLock(session, {
      owner: this.owner,
      leaseMs: this.options.leaseMs,
      waitMs: this.options.lockWaitMs,
      pollMs: this.options.lockPollMs,
      onWait: (holder) => this.log({ event: 'waiting-for-lock', holder: holder.owner, since: holder.acquiredAt }),
      onRetry: (code) => this.log({ event: 'retry', code, attempt: 1 }),
    });
    // A run with nothing to do takes no lock and sends no further query (unless a connection lost
    // earlier in this run left its own lease behind).
    if (this.work(state).length === 0 && !this.needsBaseline(state)) {
      if (this.leaseTaken) await lock.release();
      return this.finish(state);
    }
    await lock.acquire();
    this.leaseTaken = true;
    let released = false;
    try {
      // Another runner may have applied files while this one waited.
      state = await readFullState(session, this.migrations);
      if (this.needsBaseline(state)) state = await this.baseline(session);
      this.ledger = new Map(state.ledger);
      try {
        for (const migration of this.work(state)) {
          await lock.renewIfDue();
          await this.applyFile(session, migration);
        }
      } catch (e) {
        if (!(e instanceof DeadlineReached)) throw e;
        this.stoppedByDeadline = true;
        this.log({ event: 'deadline', message: 'stopped before the deadline; the next run resumes' });
      }
      await lock.release();
      released = true;
      state = await readState(session);
      return this.finish({ ...state, everApplied: new Set() });
    } finally {
      if (!released) await lock.release().catch(() => undefined);
    }
  }

  /** The files to apply now, after checking drift and order; warnings for what is only reported. */
  private work(state: DatabaseState): Migration[] {
    // The common no-op: every file recorded, unchanged, nothing else recorded or in progress.
    // One lookup per file, without building a status for each (constant-cost deploys).
    if (state.ledger.size === 0 && state.records.size === this.migrations.length) {
      const unchanged = this.migrations.every((m) => {
        const record = state.records.get(m.version);
        return record !== undefined && (record.checksum === null || record.checksum === m.checksum);
      });
      if (unchanged) return [];
    }
    const selection = selectWork(this.migrations, computeStatus(this.migrations, state), this.options);
    for (const notice of selection.notices) {
      if (this.warnings.includes(notice.message)) continue;
      this.warnings.push(notice.message);
      this.log({ event: notice.event, message: notice.message, ...(notice.version ? { version: notice.version } : {}) });
    }
    return selection.files.map((f) => f.migration);
  }

  private needsBaseline(state: DatabaseState): boolean {
    return this.options.baselineVersion !== undefined && state.records.size === 0 && state.ledger.size === 0;
  }

  /** Records the files up to the baseline version without running them (DML only, in batches). */
  private async baseline(session: SqlSession): Promise<DatabaseState> {
    const upTo = this.options.baselineVersion!;
    const files = this.migrations.filter((m) => compareVersions(m.version, upTo) <= 0);
    // Well under DSQL's 3,000 rows per transaction (dsql-facts §2).
    for (let i = 0; i < files.length; i += 500) {
      const batch = files.slice(i, i + 500);
      await withRetries(async () => {
        await session.query('BEGIN');
        try {
          for (const m of batch) {
            const record = recordStatement(m.version, m.name, m.checksum, 'baseline', this.owner);
            await session.query(record.text, record.params);
          }
          await session.query('COMMIT');
        } catch (e) {
          await session.query('ROLLBACK').catch(() => undefined);
          throw e;
        }
      }, this.retryOptions());
    }
    this.log({ event: 'baseline', version: upTo, recorded: files.length });
    return readFullState(session, this.migrations);
  }

  private finish(state: DatabaseState): RunResult {
    const recorded = [...state.records.keys()];
    const known = new Set(this.migrations.map((m) => versionKey(m.version)));
    const latest = latestVersion(recorded) ?? '';
    const result: RunResult = {
      dialect: this.dialect!,
      applied: this.applied,
      latestVersion: latest,
      appliedCount: recorded.length,
      asyncJobs: this.asyncJobs,
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
    const entry = this.ledger.get(migration.version);
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
      from = entry.nextStatement;
      uncertain = entry.uncertainStatement;
      this.log({ event: 'resume', version: migration.version, fromStatement: from + 1 });
    }
    const units = migration.units.filter((u) => u.statements[0].index >= from);
    const last = units[units.length - 1];
    // A file whose last transaction is DML records itself inside it: data and record commit together.
    const recordWithLast = last !== undefined && last.dmlOnly;
    for (const unit of units) {
      // At least one transaction per run, so that every invocation makes progress.
      if (this.options.deadline !== undefined && this.unitsRun > 0 && Date.now() >= this.options.deadline) {
        // Idempotent statements leave no ledger entry; note how far this file got, or the next
        // run would start it over and, with the same budget, never get further.
        if (unit !== units[0]) await withRetries(() => this.writeLedger(session, migration, unit.statements[0].index, null), this.retryOptions());
        throw new DeadlineReached();
      }
      await this.runUnit(session, migration, unit, recordWithLast && unit === last, uncertain);
      this.unitsRun++;
      uncertain = null;
    }
    if (!recordWithLast) await this.record(session, migration);
    const applied = { version: migration.version, name: migration.name, statements: migration.statements.length, durationMs: Date.now() - started };
    this.applied.push(applied);
    this.log({ event: 'migration-applied', ...applied });
  }

  private async record(session: SqlSession, migration: Migration): Promise<void> {
    const record = recordStatement(migration.version, migration.name, migration.checksum, 'migration', this.owner);
    await withRetries(() => session.query(record.text, record.params), this.retryOptions());
    this.ledger.delete(migration.version);
  }

  private async runUnit(
    session: SqlSession, migration: Migration, unit: TransactionUnit, withRecord: boolean, uncertain: number | null,
  ): Promise<void> {
    const transactional = unit.explicit || unit.dmlOnly || withRecord;
    if (!transactional) {
      await this.runSingle(session, migration, unit.statements[0], uncertain);
      return;
    }
    // A DML transaction moves the ledger (or records the file) in the same commit, so its rows are
    // never written twice, whatever happens after.
    const after = unit.statements[unit.statements.length - 1].index + 1;
    let jobs: string[] = [];
    await withRetries(
      () =>
        this.inTransaction(session, async () => {
          jobs = [];
          for (const statement of unit.statements) jobs.push(...(await this.send(session, migration, statement)));
          if (withRecord) {
            const record = recordStatement(migration.version, migration.name, migration.checksum, 'migration', this.owner);
            await session.query(record.text, record.params);
          } else {
            await this.writeLedger(session, migration, after, null);
          }
        }),
      this.retryOptions(),
    );
    if (withRecord) this.ledger.delete(migration.version);
    await this.recordJobs(session, migration, jobs);
  }

  /** A statement outside any block: its own transaction (DSQL: one DDL per transaction). */
  private async runSingle(session: SqlSession, migration: Migration, statement: PlannedStatement, uncertain: number | null): Promise<void> {
    const idempotent = isIdempotentStatement(statement.text);
    if (!idempotent) {
      // Intent first: if the connection drops before the commit is confirmed, the next run knows
      // that this one statement may have committed, and that all before it did.
      await withRetries(() => this.writeLedger(session, migration, statement.index, statement.index), this.retryOptions());
    }
    try {
      const jobs = await withRetries(() => this.send(session, migration, statement), this.retryOptions());
      await this.recordJobs(session, migration, jobs);
    } catch (e) {
      const cause = e instanceof MigrationError ? e : undefined;
      if (uncertain === statement.index && cause && isAlreadyDone({ code: cause.sqlState })) {
        // The previous run lost its connection right after sending this statement, and its work is
        // there: it committed. Take it as done rather than fail on "already exists".
        this.log({ event: 'uncertain-statement-done', version: migration.version, statement: statement.index + 1, code: cause.sqlState });
      } else {
        if (cause && !idempotent) {
          // The statement definitely did not commit: clear the intent so it can be fixed and re-run.
          await this.writeLedger(session, migration, statement.index, null).catch(() => undefined);
        }
        throw e;
      }
    }
  }

  /** Sends one statement; returns the DSQL async job ids it started. */
  private async send(session: SqlSession, migration: Migration, statement: PlannedStatement): Promise<string[]> {
    const text = this.dialect === 'dsql' ? statement.text : translateForPostgres(statement.text);
    if (text === undefined) return [];
    let rows: Array<Record<string, unknown>>;
    try {
      ({ rows } = await session.query(text));
    } catch (e) {
      const err = e as { code?: string; message?: string };
      // Retryable conflicts and lost connections propagate as they are; the caller handles them.
      if (err.code === '40001' || err.code === '40P01' || isConnectionLost(e)) throw e;
      throw new MigrationError(migration.fileName, migration.version, statement.index + 1, statement.line, err.code, err.message ?? String(e));
    }
    return (rows ?? []).filter((row) => typeof row.job_id === 'string').map((row) => String(row.job_id));
  }

  /** Keeps job ids in the database (DML, after the DDL's own transaction), so whichever invocation ends the deploy waits for them. */
  private async recordJobs(session: SqlSession, migration: Migration, jobIds: string[]): Promise<void> {
    for (const jobId of jobIds) {
      this.asyncJobs.push(jobId);
      await withRetries(
        () => session.query(`INSERT INTO ${JOBS_TABLE} (job_id, version, owner) VALUES ($1, $2, $3)`, [jobId, migration.version, this.owner]),
        this.retryOptions(),
      );
    }
  }

  private async writeLedger(session: SqlSession, migration: Migration, next: number, uncertain: number | null): Promise<void> {
    const hash = prefixHash(migration, uncertain ?? next - 1);
    const params = [migration.version, next, hash, uncertain];
    if (this.ledger.has(migration.version)) {
      await session.query(`UPDATE ${LEDGER_TABLE} SET next_statement = $2, prefix_hash = $3, uncertain_statement = $4, updated_at = NOW() WHERE version = $1`, params);
    } else {
      await session.query(`INSERT INTO ${LEDGER_TABLE} (version, next_statement, prefix_hash, uncertain_statement) VALUES ($1, $2, $3, $4)`, params);
    }
    this.ledger.set(migration.version, { version: migration.version, nextStatement: next, prefixHash: hash, uncertainStatement: uncertain });
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

/**
 * sha256 of a file's statements 0..last (inclusive), to tell whether a half-applied prefix changed.
 * Line endings are normalised, as for the file's checksum.
 */
function prefixHash(migration: Migration, last: number): string {
  const h = createHash('sha256');
  for (const s of migration.statements.slice(0, Math.max(0, last + 1))) h.update(normalizeSql(s.text)).update('\0');
  return h.digest('hex');
}
