import { isRetryable, withRetries } from './errors';
import { DatabaseState, LedgerEntry, MigrationRecord } from './status';

/** What the runner needs of a database connection; node-postgres' `Client` fits as it is. */
export interface SqlSession {
  query(text: string, params?: unknown[]): Promise<{ rows: Array<Record<string, unknown>>; rowCount?: number | null }>;
  end(): Promise<void>;
}

export const MIGRATIONS_TABLE = 'schema_migrations';
export const LEDGER_TABLE = 'schema_migrations_progress';
export const HISTORY_TABLE = 'schema_migrations_history';
export const LOCK_TABLE = 'schema_migrations_lock';
export const JOBS_TABLE = 'schema_migrations_jobs';

/**
 * The runner's tables. `schema_migrations` keeps the documented three columns first; `checksum`
 * and `kind` were added later and are added to older tables by ALTER TABLE ... ADD COLUMN
 * (no DEFAULT or NOT NULL: DSQL's ADD COLUMN takes neither, dsql-facts §1.3).
 */
const TABLES: Record<string, string> = {
  [MIGRATIONS_TABLE]: `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
  version TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
  checksum TEXT,
  kind TEXT
)`,
  [LEDGER_TABLE]: `CREATE TABLE IF NOT EXISTS ${LEDGER_TABLE} (
  version TEXT PRIMARY KEY,
  next_statement INTEGER NOT NULL,
  prefix_hash TEXT NOT NULL,
  uncertain_statement INTEGER,
  updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW()
)`,
  [HISTORY_TABLE]: `CREATE TABLE IF NOT EXISTS ${HISTORY_TABLE} (
  version TEXT NOT NULL,
  checksum TEXT,
  applied_by TEXT,
  applied_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
  PRIMARY KEY (version, applied_at)
)`,
  [JOBS_TABLE]: `CREATE TABLE IF NOT EXISTS ${JOBS_TABLE} (
  job_id TEXT PRIMARY KEY,
  version TEXT NOT NULL,
  owner TEXT NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW()
)`,
  [LOCK_TABLE]: `CREATE TABLE IF NOT EXISTS ${LOCK_TABLE} (
  id TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  acquired_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
  expires_at TIMESTAMP WITH TIME ZONE NOT NULL
)`,
};
const ADDED_COLUMNS: Array<[table: string, column: string, type: string]> = [
  [MIGRATIONS_TABLE, 'checksum', 'TEXT'],
  [MIGRATIONS_TABLE, 'kind', 'TEXT'],
];

export interface TableInspection {
  /** Every table and column the runner uses exists. */
  readonly complete: boolean;
  readonly missingDdl: string[];
  has(table: string): boolean;
}

/** One catalog query: which of the runner's tables and columns exist, and the DDL for the rest. */
export async function inspectTables(session: SqlSession): Promise<TableInspection> {
  const { rows } = await session.query(
    `SELECT c.relname AS table_name, a.attname AS column_name
     FROM pg_catalog.pg_class c
     JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
     WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname IN ($1, $2, $3, $4, $5)`,
    [MIGRATIONS_TABLE, LEDGER_TABLE, HISTORY_TABLE, LOCK_TABLE, JOBS_TABLE],
  );
  const columns = new Set(rows.map((r) => `${String(r.table_name)}.${String(r.column_name)}`));
  const tables = new Set(rows.map((r) => String(r.table_name)));
  const ddl: string[] = [];
  for (const [table, create] of Object.entries(TABLES)) if (!tables.has(table)) ddl.push(create);
  for (const [table, column, type] of ADDED_COLUMNS) {
    if (tables.has(table) && !columns.has(`${table}.${column}`)) ddl.push(`ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS ${column} ${type}`);
  }
  return { has: (t) => tables.has(t), complete: ddl.length === 0, missingDdl: ddl };
}

/**
 * Creates the runner's tables and columns that are missing, after one catalog query; a run that
 * finds them all sends no DDL (DDL on DSQL disturbs concurrent sessions with OC001, dsql-facts §4).
 */
export async function ensureTables(session: SqlSession, onRetry?: (code: string | undefined) => void): Promise<void> {
  const { missingDdl } = await inspectTables(session);
  for (const statement of missingDdl) {
    // Runners starting together race to create the same table: PostgreSQL may answer 23505 or
    // 42710 on its catalog, DSQL 40001 (OC001). Either way the table is there on the next try.
    await withRetries(
      async () => {
        try {
          await session.query(statement);
        } catch (e) {
          if (['23505', '42710', '42P07'].includes((e as { code?: string }).code ?? '')) throw Object.assign(new Error('concurrent create'), { code: '40001' });
          throw e;
        }
      },
      { onRetry: ({ code }) => onRetry?.(code) },
    );
  }
}

/** Reads the records and the ledger (two queries, whatever the number of migrations). */
export async function readState(session: SqlSession, options: { ledger?: boolean } = {}): Promise<DatabaseState> {
  const records = new Map<string, MigrationRecord>();
  const { rows } = await session.query(`SELECT * FROM ${MIGRATIONS_TABLE}`);
  for (const r of rows) {
    records.set(String(r.version), {
      version: String(r.version),
      name: String(r.name),
      // An older table has neither column: its rows read as unchecked migrations.
      checksum: r.checksum === null || r.checksum === undefined ? null : String(r.checksum),
      kind: r.kind === null || r.kind === undefined ? null : String(r.kind),
      appliedAt: r.applied_at instanceof Date ? r.applied_at.toISOString() : r.applied_at === null ? null : String(r.applied_at),
    });
  }
  const ledger = new Map<string, LedgerEntry>();
  if (options.ledger === false) return { records, ledger, everApplied: new Set() };
  const progress = await session.query(`SELECT version, next_statement, prefix_hash, uncertain_statement FROM ${LEDGER_TABLE}`);
  for (const r of progress.rows) {
    ledger.set(String(r.version), {
      version: String(r.version),
      nextStatement: Number(r.next_statement),
      prefixHash: String(r.prefix_hash),
      uncertainStatement: r.uncertain_statement === null || r.uncertain_statement === undefined ? null : Number(r.uncertain_statement),
    });
  }
  return { records, ledger, everApplied: new Set() };
}

/** Which of these versions the history has seen applied (asked only for files not recorded). */
export async function readEverApplied(session: SqlSession, versions: ReadonlyArray<string>): Promise<Set<string>> {
  if (versions.length === 0) return new Set();
  const placeholders = versions.map((_, i) => `$${i + 1}`).join(', ');
  const { rows } = await session.query(`SELECT DISTINCT version FROM ${HISTORY_TABLE} WHERE version IN (${placeholders})`, [...versions]);
  return new Set(rows.map((r) => String(r.version)));
}

/**
 * One statement that records a file, appends it to the history and clears its ledger row,
 * atomically and in one round trip.
 */
export function recordStatement(
  version: string, name: string, checksum: string, kind: 'migration' | 'baseline', appliedBy: string,
): { text: string; params: unknown[] } {
  return {
    text: `WITH history AS (INSERT INTO ${HISTORY_TABLE} (version, checksum, applied_by) VALUES ($1, $3, $5)),
progress AS (DELETE FROM ${LEDGER_TABLE} WHERE version = $1)
INSERT INTO ${MIGRATIONS_TABLE} (version, name, checksum, kind) VALUES ($1, $2, $3, $4)`,
    params: [version, name, checksum, kind, appliedBy],
  };
}

/** Versions a runner (by owner) recorded, in the order it recorded them. */
export async function readAppliedBy(session: SqlSession, owner: string): Promise<string[]> {
  const { rows } = await session.query(`SELECT version FROM ${HISTORY_TABLE} WHERE applied_by = $1 ORDER BY applied_at, version`, [owner]);
  return rows.map((r) => String(r.version));
}

/** DSQL async jobs a runner (by owner) started: CREATE INDEX ASYNC and ALTER TABLE ASYNC return their ids. */
export async function readJobsOf(session: SqlSession, owner: string): Promise<string[]> {
  const { rows } = await session.query(`SELECT job_id FROM ${JOBS_TABLE} WHERE owner = $1`, [owner]);
  return rows.map((r) => String(r.job_id));
}

export { isRetryable };
