import { isRetryable, MigrationStateError, RetryOptions, withRetries } from './errors';
import { isRepeatableKey } from './naming';
import { DatabaseState, LedgerEntry, MigrationRecord } from './status';

/** What the runner needs of a database connection; node-postgres' `Client` fits as it is. */
export interface SqlSession {
  query(text: string, params?: unknown[]): Promise<{ rows: Array<Record<string, unknown>>; rowCount?: number | null }>;
  end(): Promise<void>;
}

/**
 * The runner's tables live in `public` and every query names them with their schema, so that a
 * migration's `SET search_path` (or pg_dump's `set_config('search_path', '', false)`) cannot
 * redirect or break the runner's own reads and writes. Earlier versions created them in the
 * connection's current schema, which is `public` for DSQL's roles and a default PostgreSQL.
 */
export const BOOKKEEPING_SCHEMA = 'public';
const qualified = (table: string) => `${BOOKKEEPING_SCHEMA}.${table}`;
export const MIGRATIONS_TABLE = qualified('schema_migrations');
export const LEDGER_TABLE = qualified('schema_migrations_progress');
export const HISTORY_TABLE = qualified('schema_migrations_history');
export const LOCK_TABLE = qualified('schema_migrations_lock');
export const JOBS_TABLE = qualified('schema_migrations_jobs');

/**
 * The runner's tables. `schema_migrations` keeps the documented three columns first; `checksum`
 * and `kind` were added later and are added to older tables by ALTER TABLE ... ADD COLUMN
 * (no DEFAULT or NOT NULL: DSQL's ADD COLUMN takes neither, docs/dsql-facts.md §1.3).
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
  created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
  object_name TEXT
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
  [JOBS_TABLE, 'object_name', 'TEXT'],
];

export interface TableInspection {
  /** Every table and column the runner uses exists. */
  readonly complete: boolean;
  readonly missingDdl: string[];
  has(table: string): boolean;
}

/** The columns of `schema_migrations` this engine writes; the first three are the documented older table. */
const OWN_COLUMNS = ['version', 'name', 'applied_at', 'checksum', 'kind'];

/** One catalog query: which of the runner's tables and columns exist, and the DDL for the rest. */
export async function inspectTables(session: SqlSession): Promise<TableInspection> {
  const bare = (table: string) => table.slice(BOOKKEEPING_SCHEMA.length + 1);
  const { rows: found } = await session.query(
    `SELECT n.nspname AS schema_name, c.relname AS table_name, a.attname AS column_name
     FROM pg_catalog.pg_class c
     JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
     WHERE n.nspname IN ($1, current_schema()) AND c.relkind = 'r' AND c.relname IN ($2, $3, $4, $5, $6)`,
    [BOOKKEEPING_SCHEMA, ...Object.keys(TABLES).map(bare)],
  );
  const rows = found.filter((r) => r.schema_name === BOOKKEEPING_SCHEMA);
  const elsewhere = found.find((r) => r.schema_name !== BOOKKEEPING_SCHEMA && r.table_name === bare(MIGRATIONS_TABLE));
  if (elsewhere && !rows.some((r) => r.table_name === bare(MIGRATIONS_TABLE))) {
    // Before the runner named its schema, it created its tables in the connection's current schema.
    const from = String(elsewhere.schema_name);
    throw new MigrationStateError(
      `schema_migrations is in schema ${from}, not in ${BOOKKEEPING_SCHEMA} where the runner keeps its tables. Move the runner's tables ` +
        `(ALTER TABLE ${from}.schema_migrations SET SCHEMA ${BOOKKEEPING_SCHEMA}, and the same for each ${from}.schema_migrations_* table), then deploy again.`,
    );
  }
  const columns = new Set(rows.map((r) => `${qualified(String(r.table_name))}.${String(r.column_name)}`));
  const tables = new Set(rows.map((r) => qualified(String(r.table_name))));
  if (tables.has(MIGRATIONS_TABLE)) {
    const own = rows.filter((r) => qualified(String(r.table_name)) === MIGRATIONS_TABLE).map((r) => String(r.column_name));
    checkOwnShape(own);
  }
  const ddl: string[] = [];
  for (const [table, create] of Object.entries(TABLES)) if (!tables.has(table)) ddl.push(create);
  for (const [table, column, type] of ADDED_COLUMNS) {
    if (tables.has(table) && !columns.has(`${table}.${column}`)) ddl.push(`ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS ${column} ${type}`);
  }
  return { has: (t) => tables.has(t), complete: ddl.length === 0, missingDdl: ddl };
}

/**
 * Refuses a `schema_migrations` this engine did not create: altering or adopting another tool's
 * table would corrupt both tools' view of the database.
 */
function checkOwnShape(columns: ReadonlyArray<string>): void {
  const names = new Set(columns);
  const ours = OWN_COLUMNS.slice(0, 3).every((c) => names.has(c)) && columns.every((c) => OWN_COLUMNS.includes(c));
  if (ours) return;
  const tool = names.has('dirty') && names.has('version')
    ? 'golang-migrate'
    : names.size === 1 && names.has('version') ? 'dbmate or Rails (ActiveRecord)' : 'another migration tool';
  throw new MigrationStateError(
    `${MIGRATIONS_TABLE} has the columns (${[...columns].sort().join(', ')}), which look like ${tool}'s table, not this runner's ` +
      `(${OWN_COLUMNS.join(', ')}). It was left unchanged. Rename it (ALTER TABLE ${MIGRATIONS_TABLE} RENAME TO ...) or drop it once ` +
      'that tool is retired, then deploy again; to adopt a database that already holds the schema, set baselineVersion.',
  );
}

/**
 * Creates the runner's tables and columns that are missing, after one catalog query; a run that
 * finds them all sends no DDL (DDL on DSQL disturbs concurrent sessions with OC001, docs/dsql-facts.md §4).
 */
export async function ensureTables(session: SqlSession, onRetry?: (code: string | undefined) => void): Promise<void> {
  const { missingDdl } = await inspectTables(session);
  for (const statement of missingDdl) await createTable(session, statement, { onRetry: ({ code }) => onRetry?.(code) });
}

/**
 * Sends one `CREATE TABLE IF NOT EXISTS` (or `ADD COLUMN IF NOT EXISTS`) in a transaction of its
 * own. Runners starting together race to create the same table: PostgreSQL may answer 23505 or
 * 42710 on its catalog, DSQL 40001 (OC001). Either way the table is there on the next try.
 */
export async function createTable(session: SqlSession, ddl: string, retry?: RetryOptions): Promise<void> {
  await withRetries(async () => {
    try {
      await session.query(ddl);
    } catch (e) {
      if (['23505', '42710', '42P07'].includes((e as { code?: string }).code ?? '')) throw Object.assign(new Error('concurrent create'), { code: '40001' });
      throw e;
    }
  }, retry);
}

/** A DSQL async job the runner keeps until it has finished (see async-jobs.ts). */
export interface KeptJob {
  readonly jobId: string;
  readonly version: string;
  /** `index:name` or `constraint:name` (null for rows kept by older versions). */
  readonly object: string | null;
}

/** The database's state, and the async jobs kept for it. */
export type StoredState = DatabaseState & { readonly jobs: ReadonlyArray<KeptJob> };

/**
 * Reads the records, the ledger, the kept async jobs and the versions the history saw applied that are no longer
 * recorded, in one statement: one snapshot, so a file recorded by a concurrent runner between two
 * reads cannot look like a deleted record (a false "forward rollback").
 */
export async function readState(session: SqlSession): Promise<StoredState> {
  const { rows } = await session.query(
    `SELECT 'record' AS source, version, name, checksum, kind, applied_at, NULL::int AS next_statement, NULL::text AS prefix_hash, NULL::int AS uncertain_statement
     FROM ${MIGRATIONS_TABLE}
     UNION ALL
     SELECT 'ledger', version, NULL, NULL, NULL, NULL, next_statement, prefix_hash, uncertain_statement FROM ${LEDGER_TABLE}
     UNION ALL
     SELECT DISTINCT 'history', h.version, NULL, NULL, NULL, NULL::timestamptz, NULL::int, NULL::text, NULL::int FROM ${HISTORY_TABLE} h
     WHERE NOT EXISTS (SELECT 1 FROM ${MIGRATIONS_TABLE} m WHERE m.version = h.version)
     UNION ALL
     SELECT 'job', version, job_id, object_name, NULL, created_at, NULL::int, NULL::text, NULL::int FROM ${JOBS_TABLE}`,
    // No ORDER BY: sorting every record on the server costs a no-op run at 10,000 files; only the
    // few jobs need an order (when they started), given below.

  );
  const records = new Map<string, MigrationRecord>();
  const ledger = new Map<string, LedgerEntry>();
  const everApplied = new Set<string>();
  const jobs: Array<KeptJob & { startedAt: number }> = [];
  const orNull = (v: unknown) => (v === null || v === undefined ? null : v);
  for (const r of rows) {
    const version = String(r.version);
    if (r.source === 'record') {
      records.set(version, toRecord(r));
    } else if (r.source === 'history') {
      everApplied.add(version);
    } else if (r.source === 'job') {
      // Job rows carry the job id in `name` and the object in `checksum` (one column list for the union).
      const object = orNull(r.checksum);
      const startedAt = new Date(r.applied_at as string | Date).getTime();
      jobs.push({ jobId: String(r.name), version, object: object === null ? null : String(object), startedAt });
    } else {
      const uncertain = orNull(r.uncertain_statement);
      const uncertainStatement = uncertain === null ? null : Number(uncertain);
      ledger.set(version, { version, nextStatement: Number(r.next_statement), prefixHash: String(r.prefix_hash), uncertainStatement });
    }
  }
  jobs.sort((a, b) => a.startedAt - b.startedAt);
  return { records, ledger, everApplied, jobs: jobs.map(({ startedAt, ...job }) => job) };
}

/** Reads only the records (a table from an older version may lack the newer columns and tables). */
export async function readRecords(session: SqlSession): Promise<Map<string, MigrationRecord>> {
  const { rows } = await session.query(`SELECT * FROM ${MIGRATIONS_TABLE}`);
  return new Map(rows.map((r) => [String(r.version), toRecord(r)]));
}

function toRecord(r: Record<string, unknown>): MigrationRecord {
  return {
    version: String(r.version),
    name: String(r.name),
    // An older table has neither column: its rows read as unchecked migrations.
    checksum: r.checksum === null || r.checksum === undefined ? null : String(r.checksum),
    kind: r.kind === null || r.kind === undefined ? null : String(r.kind),
    appliedAt: r.applied_at instanceof Date
      ? r.applied_at.toISOString()
      : r.applied_at === null || r.applied_at === undefined ? null : String(r.applied_at),
  };
}

/** A condition a bookkeeping write must meet, its parameters numbered from `firstParam` (the lease check). */
export type WriteGuard = (firstParam: number) => { readonly sql: string; readonly params: ReadonlyArray<unknown> };

/**
 * One statement that records a file, appends it to the history and clears its ledger row,
 * atomically and in one round trip. With a guard, it writes nothing unless the guard holds,
 * and returns the recorded version (no row: the guard failed).
 */
export function recordStatement(
  version: string, name: string, checksum: string, kind: 'migration' | 'baseline' | 'adopted' | 'repeatable', appliedBy: string, guard?: WriteGuard,
): { text: string; params: unknown[] } {
  const params: unknown[] = [version, name, checksum, kind, appliedBy];
  if (!guard) {
    return {
      text: `WITH history AS (INSERT INTO ${HISTORY_TABLE} (version, checksum, applied_by) VALUES ($1, $3, $5)),
progress AS (DELETE FROM ${LEDGER_TABLE} WHERE version = $1)
INSERT INTO ${MIGRATIONS_TABLE} (version, name, checksum, kind) VALUES ($1, $2, $3, $4)`,
      params,
    };
  }
  const check = guard(params.length + 1);
  return {
    text: `WITH history AS (INSERT INTO ${HISTORY_TABLE} (version, checksum, applied_by) SELECT $1::text, $3::text, $5::text WHERE ${check.sql}),
progress AS (DELETE FROM ${LEDGER_TABLE} WHERE version = $1::text AND ${check.sql})
INSERT INTO ${MIGRATIONS_TABLE} (version, name, checksum, kind) SELECT $1::text, $2::text, $3::text, $4::text WHERE ${check.sql} RETURNING version`,
    params: [...params, ...check.params],
  };
}

/**
 * Records a repeatable file applied again: its record gets the new checksum and time, the history
 * one more row; nothing is written unless the guard holds (no row returned).
 */
export function rerecordStatement(
  key: string, name: string, checksum: string, appliedBy: string, guard: WriteGuard,
): { text: string; params: unknown[] } {
  const params: unknown[] = [key, name, checksum, appliedBy];
  const check = guard(params.length + 1);
  return {
    text: `WITH history AS (INSERT INTO ${HISTORY_TABLE} (version, checksum, applied_by) SELECT $1::text, $3::text, $4::text WHERE ${check.sql})
UPDATE ${MIGRATIONS_TABLE} SET name = $2::text, checksum = $3::text, applied_at = NOW() WHERE version = $1::text AND ${check.sql} RETURNING version`,
    params: [...params, ...check.params],
  };
}

/**
 * Records files without running them (a baseline, or another tool's history): DML only, in
 * batches well under DSQL's 3,000 rows per transaction (docs/dsql-facts.md §2), each batch committed only
 * while `confirm` finds the lease still held.
 */
export async function recordUnrun(
  session: SqlSession, files: ReadonlyArray<{ readonly version: string; readonly name: string; readonly checksum: string }>,
  kind: 'baseline' | 'adopted', owner: string, confirm: (session: SqlSession) => Promise<void>, retry?: RetryOptions,
): Promise<void> {
  for (let i = 0; i < files.length; i += 500) {
    const batch = files.slice(i, i + 500);
    await withRetries(async () => {
      await session.query('BEGIN');
      try {
        for (const m of batch) {
          const record = recordStatement(m.version, m.name, m.checksum, kind, owner);
          await session.query(record.text, record.params);
        }
        await confirm(session);
        await session.query('COMMIT');
      } catch (e) {
        await session.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    }, retry);
  }
}

/** Versions a runner (by owner) recorded, in the order it recorded them (repeatable files are not versions). */
export async function readAppliedBy(session: SqlSession, owner: string): Promise<string[]> {
  const { rows } = await session.query(`SELECT version FROM ${HISTORY_TABLE} WHERE applied_by = $1 ORDER BY applied_at, version`, [owner]);
  return rows.map((r) => String(r.version)).filter((v) => !isRepeatableKey(v));
}

export { isRetryable };
