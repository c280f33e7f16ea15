import { Dialect, translateForPostgres } from './dialect';
import { Migration } from './migration-set';
import { compareVersions } from './naming';
import { TransactionUnit } from './plan';

/** What the runner needs of a database connection; node-postgres' `Client` fits as it is. */
export interface SqlSession {
  query(text: string, params?: unknown[]): Promise<{ rows: Array<Record<string, unknown>>; rowCount?: number | null }>;
  end(): Promise<void>;
}

/** Opens a new connection. Production makes a fresh IAM token for each call (dsql-facts §5). */
export type ConnectFn = () => Promise<SqlSession>;

/** A structured event for logs; never carries credentials or connection strings. */
export interface RunnerEvent {
  readonly event: 'run-start' | 'migration-applied' | 'run-complete' | 'missing-file' | 'waiting-for-jobs';
  readonly [key: string]: unknown;
}

export interface RunOptions {
  /** The server's dialect. @default detected: DSQL when the `sys.jobs` view exists */
  readonly dialect?: Dialect;
  /** Receives one event per applied file and per run. */
  readonly log?: (event: RunnerEvent) => void;
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
  /** Versions recorded in the database with no file in this set (for example during a stack rollback). */
  readonly missing: string[];
}

/** A statement of a migration failed; nothing of that file was recorded. */
export class MigrationError extends Error {
  constructor(
    public readonly fileName: string,
    public readonly version: string,
    /** 1-based number of the statement in the file. */
    public readonly statementNumber: number,
    public readonly line: number,
    public readonly sqlState: string | undefined,
    public readonly detail: string,
  ) {
    super(
      `${fileName}:${line}: statement ${statementNumber} failed` +
        (sqlState ? ` (SQLSTATE ${sqlState})` : '') +
        `: ${detail}. Earlier files stay recorded; this file and later ones stay pending.`,
    );
    this.name = 'MigrationError';
  }
}

export const MIGRATIONS_TABLE = 'schema_migrations';

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
  version TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW()
)`;

/** Whether the server is Aurora DSQL: only DSQL has the `sys.jobs` view of async jobs. */
export async function detectDialect(session: SqlSession): Promise<Dialect> {
  const { rows } = await session.query(
    "SELECT count(*)::int AS n FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace ns ON ns.oid = c.relnamespace WHERE ns.nspname = 'sys' AND c.relname = 'jobs'",
  );
  return Number(rows[0]?.n) > 0 ? 'dsql' : 'postgresql';
}

/**
 * Applies the pending migrations of a set, in version order, one transaction per DDL statement,
 * and records each file in `schema_migrations` only after all of its statements succeeded.
 */
export async function applyMigrationSet(connect: ConnectFn, migrations: ReadonlyArray<Migration>, options: RunOptions = {}): Promise<RunResult> {
  const log = options.log ?? (() => undefined);
  const session = await connect();
  try {
    const dialect = options.dialect ?? (await detectDialect(session));
    await session.query(CREATE_TABLE);
    const recorded = await readRecordedVersions(session);
    const known = new Set(migrations.map((m) => m.version));
    const missing = [...recorded].filter((v) => !known.has(v)).sort(compareVersions);
    for (const version of missing) log({ event: 'missing-file', version });
    const pending = migrations.filter((m) => !recorded.has(m.version));
    log({ event: 'run-start', dialect, recorded: recorded.size, pending: pending.length });

    const applied: AppliedMigration[] = [];
    const asyncJobs: string[] = [];
    for (const migration of pending) {
      const started = Date.now();
      asyncJobs.push(...(await applyMigration(session, migration, dialect)));
      const entry = { version: migration.version, name: migration.name, statements: migration.statements.length, durationMs: Date.now() - started };
      applied.push(entry);
      recorded.add(migration.version);
      log({ event: 'migration-applied', ...entry });
    }
    const latestVersion = [...recorded].filter((v) => /^\d+$/.test(v)).sort(compareVersions).pop() ?? '';
    const result: RunResult = { dialect, applied, latestVersion, appliedCount: recorded.size, asyncJobs, missing };
    log({ event: 'run-complete', applied: applied.length, latestVersion, appliedCount: recorded.size, asyncJobs: asyncJobs.length });
    return result;
  } finally {
    await session.end().catch(() => undefined);
  }
}

async function readRecordedVersions(session: SqlSession): Promise<Set<string>> {
  const { rows } = await session.query(`SELECT version FROM ${MIGRATIONS_TABLE}`);
  return new Set(rows.map((r) => String(r.version)));
}

/** Runs one file's transactions; returns the async job ids its statements started. */
async function applyMigration(session: SqlSession, migration: Migration, dialect: Dialect): Promise<string[]> {
  const jobs: string[] = [];
  const record = { text: `INSERT INTO ${MIGRATIONS_TABLE} (version, name) VALUES ($1, $2)`, params: [migration.version, migration.name] };
  const units = migration.units;
  // A file whose last transaction is DML records itself inside that transaction, so its data
  // change and its record commit together. DDL cannot share a transaction with the INSERT on DSQL.
  const last = units[units.length - 1];
  const recordWithLast = last !== undefined && last.dmlOnly;
  for (const unit of units) {
    const withRecord = recordWithLast && unit === last;
    jobs.push(...(await runUnit(session, migration, unit, dialect, withRecord ? record : undefined)));
  }
  if (!recordWithLast) await session.query(record.text, record.params);
  return jobs;
}

async function runUnit(
  session: SqlSession,
  migration: Migration,
  unit: TransactionUnit,
  dialect: Dialect,
  record: { text: string; params: unknown[] } | undefined,
): Promise<string[]> {
  const statements = unit.statements
    .map((s) => ({ source: s, text: dialect === 'dsql' ? s.text : translateForPostgres(s.text) }))
    .filter((s): s is { source: TransactionUnit['statements'][number]; text: string } => s.text !== undefined);
  const transactional = unit.explicit || record !== undefined;
  const jobs: string[] = [];
  if (transactional) await session.query('BEGIN');
  try {
    for (const { source, text } of statements) {
      let rows: Array<Record<string, unknown>>;
      try {
        ({ rows } = await session.query(text));
      } catch (e) {
        const err = e as { code?: string; message?: string };
        throw new MigrationError(migration.fileName, migration.version, source.index + 1, source.line, err.code, err.message ?? String(e));
      }
      for (const row of rows ?? []) if (typeof row.job_id === 'string') jobs.push(row.job_id);
    }
    if (record) await session.query(record.text, record.params);
    if (transactional) await session.query('COMMIT');
  } catch (e) {
    if (transactional) await session.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
  return jobs;
}
