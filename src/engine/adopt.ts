import { createHash, randomBytes } from 'crypto';
import * as os from 'os';
import { ensureTables, inspectTables, MIGRATIONS_TABLE, readRecords, recordUnrun, SqlSession } from './bookkeeping';
import { ConnectFn } from './connect';
import { MigrationStateError } from './errors';
import { LeaseLock } from './lock';
import { Migration, versionedOf } from './migration-set';
import { compareVersions, isVersion, versionKey } from './naming';
import { quoteIdentifier } from './quoting';

/**
 * Adopting another migration tool's history: the files that tool applied are recorded in
 * `schema_migrations` (kind `adopted`) without running them, so that the runner applies only what
 * comes after. The other tool's table is only read, never altered.
 */
export type AdoptSource = 'flyway' | 'golang-migrate' | 'dbmate' | 'prisma' | 'drizzle';

interface ToolTable {
  /** Table name the tool uses by default. */
  readonly table: string;
  /** Schemas searched when the table is named without one, in order (`$current` is the connection's schema). */
  readonly schemas: ReadonlyArray<string>;
  /** Columns read: a table without them is not this tool's. */
  readonly columns: ReadonlyArray<string>;
  /** How to point the tool itself at a renamed table, for the message that asks for a rename. */
  readonly renameHint?: string;
}

export const ADOPT_SOURCES: Record<AdoptSource, ToolTable> = {
  'flyway': { table: 'flyway_schema_history', schemas: ['$current', 'public'], columns: ['installed_rank', 'version', 'type', 'script', 'success'] },
  'golang-migrate': {
    table: 'schema_migrations',
    schemas: ['public'],
    columns: ['version', 'dirty'],
    renameHint: 'point golang-migrate at the new name with x-migrations-table=<name> in its database URL if it still runs',
  },
  'dbmate': {
    table: 'schema_migrations',
    schemas: ['public'],
    columns: ['version'],
    renameHint: 'point dbmate at the new name with --migrations-table <name> if it still runs',
  },
  'prisma': { table: '_prisma_migrations', schemas: ['$current', 'public'], columns: ['migration_name', 'finished_at', 'rolled_back_at', 'started_at'] },
  'drizzle': { table: '__drizzle_migrations', schemas: ['drizzle', 'public'], columns: ['id', 'hash', 'created_at'] },
};

/** One applied migration as the other tool recorded it, and how it finds its file. */
interface HistoryEntry {
  /** For messages: how the other tool names it (`version 3`, `20240101120000_init`, `hash 3fa2...`). */
  readonly label: string;
  readonly matches: (m: Migration) => boolean;
  /** Tried when no file matches (Prisma's mapping by description). */
  readonly fallback?: (m: Migration) => boolean;
}

/** The other tool's history, read and judged. */
interface ForeignHistory {
  readonly entries: HistoryEntry[];
  /** Every file up to this version counts as applied without an entry of its own (Flyway's baseline, golang-migrate's one row). */
  readonly coveredUpTo?: string;
  /** Entries that make adoption unsafe (dirty, failed, rolled back, a version that maps to no file name). */
  readonly problems: string[];
  readonly warnings: string[];
  /** The entries are in the tool's order of application, which the files must follow (Prisma's name mapping). */
  readonly ordered?: boolean;
}

export interface AdoptOptions {
  readonly from: AdoptSource;
  /** The other tool's table, `name` or `schema.name`. @default the tool's own default */
  readonly table?: string;
  /** Read and check everything, write nothing. */
  readonly dryRun?: boolean;
  /** Names the lease holder and the history rows. @default host, pid and a random suffix */
  readonly owner?: string;
  /** How long to wait for a runner that holds the lease. @default 300000 */
  readonly lockWaitMs?: number;
  /** Renew the lease from a connection of its own (false for a caller's single connection). @default true */
  readonly leaseHeartbeat?: boolean;
}

export interface AdoptionResult {
  readonly from: AdoptSource;
  /** The table read, schema-qualified. */
  readonly table: string;
  /** Files recorded as adopted (with `dryRun`, the files that would be). */
  readonly adopted: ReadonlyArray<Pick<Migration, 'version' | 'name' | 'fileName'>>;
  /** Files after the adopted ones: the runner applies them. */
  readonly pending: ReadonlyArray<string>;
  /** True when an earlier adoption already recorded the history: nothing was written. */
  readonly alreadyAdopted: boolean;
  readonly dryRun: boolean;
  readonly warnings: ReadonlyArray<string>;
}

/**
 * Records the files another tool applied, after checking that its history and the files agree.
 * Refuses (MigrationStateError, nothing written) when an entry is dirty, failed or rolled back,
 * maps to no file or to several, or when a file older than the newest adopted one is not in the
 * history. Runs only on a database where this runner has recorded nothing yet; run again after
 * adopting, it does nothing.
 */
export async function adoptHistory(connect: ConnectFn, set: ReadonlyArray<Migration>, options: AdoptOptions): Promise<AdoptionResult> {
  // Only versioned files are adopted: repeatable files are applied by the next run.
  const migrations = versionedOf(set);
  const owner = options.owner ?? `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const session = await connect();
  let lock: LeaseLock | undefined;
  try {
    const table = await locateTable(session, options.from, options.table);
    const history = await readHistory(session, options.from, table);
    const adopted = matchFiles(migrations, history, options.from, table);
    const newest = adopted[adopted.length - 1]?.version;
    const result = (alreadyAdopted: boolean, dryRun: boolean): AdoptionResult => ({
      from: options.from,
      table,
      adopted: alreadyAdopted ? [] : adopted.map(({ version, name, fileName }) => ({ version, name, fileName })),
      pending: migrations.filter((m) => newest === undefined || compareVersions(m.version, newest) > 0).map((m) => m.fileName),
      alreadyAdopted,
      dryRun,
      warnings: history.warnings,
    });
    const recorded = async () => ((await inspectTables(session)).has(MIGRATIONS_TABLE) ? readRecords(session) : new Map());
    if (isAdopted(await recorded())) return result(true, options.dryRun === true);
    if (options.dryRun) return result(false, true);
    await ensureTables(session);
    lock = new LeaseLock(connect, { owner, waitMs: options.lockWaitMs, heartbeat: options.leaseHeartbeat });
    await lock.acquire();
    // A runner may have recorded files while this one waited for the lease.
    if (isAdopted(await recorded())) return result(true, false);
    await recordUnrun(session, adopted, 'adopted', owner, (s) => lock!.confirm(s));
    return result(false, false);
  } finally {
    await lock?.release().catch(() => undefined);
    await session.end().catch(() => undefined);
  }
}

/** True when an earlier adoption recorded the history; refuses a database this runner already migrated. */
function isAdopted(records: ReadonlyMap<string, { kind: string | null }>): boolean {
  if (records.size === 0) return false;
  if ([...records.values()].some((r) => r.kind === 'adopted')) return true;
  throw new MigrationStateError(
    `${MIGRATIONS_TABLE} already holds ${records.size} record(s) of this runner: adoption is for a database it has not migrated yet. Nothing was recorded.`,
  );
}

/** Finds the other tool's table (schema-qualified), and checks that it has that tool's columns. */
async function locateTable(session: SqlSession, from: AdoptSource, given: string | undefined): Promise<string> {
  const tool = ADOPT_SOURCES[from];
  const [schema, name] = given?.includes('.') ? given.split('.', 2) : [undefined, given ?? tool.table];
  const { rows } = await session.query(
    `SELECT n.nspname AS schema_name, a.attname AS column_name, n.nspname = current_schema() AS is_current
     FROM pg_catalog.pg_class c
     JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
     WHERE c.relname = $1 AND c.relkind IN ('r', 'p', 'v')`,
    [name],
  );
  const schemas = schema ? [schema] : tool.schemas;
  const found = schemas
    .map((s) => (s === '$current' ? rows.find((r) => r.is_current)?.schema_name : s))
    .find((s) => s !== undefined && rows.some((r) => r.schema_name === s)) as string | undefined;
  if (found === undefined) {
    const where = schema ? `${schema}.${name}` : `${name} (in schema ${schemas.map((s) => (s === '$current' ? 'current_schema()' : s)).join(' or ')})`;
    throw new MigrationStateError(`no table ${where}: nothing to adopt from ${from}. Name the table with --table (or the table option) if ${from} used another name.`);
  }
  const qualified = `${found}.${name}`;
  if (qualified === MIGRATIONS_TABLE) {
    // golang-migrate and dbmate name their table as this runner names its own, in the same schema.
    throw new MigrationStateError(
      `${from}'s table is ${MIGRATIONS_TABLE}, the name this runner needs for its own table. Rename it first ` +
        `(ALTER TABLE ${MIGRATIONS_TABLE} RENAME TO ${from.replace('-', '_')}_schema_migrations; this command never alters it), ` +
        `then adopt with --table ${from.replace('-', '_')}_schema_migrations${tool.renameHint ? `; ${tool.renameHint}` : ''}.`,
    );
  }
  const columns = new Set(rows.filter((r) => r.schema_name === found).map((r) => String(r.column_name)));
  const missing = tool.columns.filter((c) => !columns.has(c));
  if (missing.length > 0) {
    throw new MigrationStateError(`${qualified} lacks the column(s) ${missing.join(', ')} of ${from}'s history table: it is not ${from}'s table, or not a version this runner reads.`);
  }
  return qualified;
}

/** Reads the other tool's table and turns it into entries, judging each. */
async function readHistory(session: SqlSession, from: AdoptSource, table: string): Promise<ForeignHistory> {
  const [schema, name] = table.split('.');
  const source = `${quoteIdentifier(schema)}.${quoteIdentifier(name)}`;
  const select = async (columns: string, order: string) => (await session.query(`SELECT ${columns} FROM ${source} ORDER BY ${order}`)).rows;
  switch (from) {
    case 'flyway': return flywayHistory(await select('installed_rank, version, type, script, success', 'installed_rank'));
    case 'golang-migrate': return golangMigrateHistory(await select('version, dirty', 'version'), table);
    case 'dbmate': return versionHistory(await select('version', 'version'), 'dbmate');
    case 'prisma': return prismaHistory(await select('migration_name, finished_at, rolled_back_at', 'started_at, migration_name'));
    case 'drizzle': return drizzleHistory(await select('id, hash, created_at', 'created_at, id'));
  }
}

const byVersion = (version: string) => (m: Migration) => versionKey(m.version) === versionKey(version);

/** A version of the other tool that this runner's whole-number versions cannot express. */
const unmappable = (label: string, version: string) =>
  `${label}: version ${version} maps to no file name here (versions are whole numbers, NNNN_description.sql); the mapping is ambiguous`;

/**
 * Flyway: one row per run of a migration (`success` false for a failed one); `BASELINE` covers
 * every version up to its own; `SCHEMA` is Flyway creating the schema; `UNDO_*` undid a version;
 * `DELETE` (Flyway 10's repair) marks a version's rows as no longer applied. Repeatable (R__)
 * migrations have no version: reported, not adopted (an `R__` file of the set is applied by the next run).
 */
function flywayHistory(rows: Array<Record<string, unknown>>): ForeignHistory {
  const latest = new Map<string, Record<string, unknown>>();
  const problems: string[] = [];
  const warnings: string[] = [];
  let coveredUpTo: string | undefined;
  for (const row of rows) {
    const type = String(row.type ?? '');
    if (type === 'SCHEMA') continue;
    if (row.version === null || row.version === undefined) {
      warnings.push(`${String(row.script)} is a repeatable Flyway migration: not adopted; keep it as an R__ file of the same name in the migrations folder (the next run applies it) if what it makes is still needed`);
      continue;
    }
    const version = String(row.version);
    if (type === 'BASELINE') {
      if (!isVersion(version)) problems.push(unmappable(`Flyway baseline ${row.script}`, version));
      else coveredUpTo = version;
      continue;
    }
    latest.set(version, row);
  }
  const entries: HistoryEntry[] = [];
  for (const [version, row] of latest) {
    const label = `${String(row.script)} (Flyway version ${version})`;
    const type = String(row.type ?? '');
    if (type === 'DELETE') continue;
    if (type.startsWith('UNDO')) problems.push(`${label} was undone (${type}): its objects are gone, so it cannot be adopted as applied`);
    else if (row.success !== true) problems.push(`${label} failed (success = false): run flyway repair, or fix the database, before adopting`);
    else if (!isVersion(version)) problems.push(unmappable(label, version));
    else entries.push({ label, matches: byVersion(version) });
  }
  return { entries, coveredUpTo, problems, warnings };
}

/** golang-migrate keeps one row: the version the database is at, and whether it stopped halfway (`dirty`). */
function golangMigrateHistory(rows: Array<Record<string, unknown>>, table: string): ForeignHistory {
  if (rows.length === 0) return { entries: [], problems: [], warnings: [] };
  if (rows.length > 1) return { entries: [], problems: [`${table} holds ${rows.length} rows; golang-migrate keeps one: it is not golang-migrate's table (dbmate's?)`], warnings: [] };
  const version = String(rows[0].version);
  const label = `golang-migrate version ${version}`;
  if (rows[0].dirty === true) {
    return { entries: [], problems: [`${label} is dirty: it failed halfway. Fix the database and clear the flag with golang-migrate's force command first`], warnings: [] };
  }
  return { entries: [{ label, matches: byVersion(version) }], coveredUpTo: version, problems: [], warnings: [] };
}

/** dbmate: one row per applied version, nothing else. */
function versionHistory(rows: Array<Record<string, unknown>>, tool: string): ForeignHistory {
  const entries: HistoryEntry[] = [];
  const problems: string[] = [];
  for (const row of rows) {
    const version = String(row.version);
    const label = `${tool} version ${version}`;
    if (isVersion(version)) entries.push({ label, matches: byVersion(version) });
    else problems.push(unmappable(label, version));
  }
  return { entries, problems, warnings: [] };
}

/**
 * Prisma: one row per attempt of a migration folder (`<timestamp>_<name>/migration.sql`). A folder
 * counts as applied when one attempt finished and was not marked rolled back. Its file here is
 * `<timestamp>_<name>.sql` (the folder's name), or else the one file whose description is `<name>`
 * (e.g. `0003_add_orders.sql` for `20240102103000_add_orders`); the files must keep Prisma's order.
 */
function prismaHistory(rows: Array<Record<string, unknown>>): ForeignHistory {
  const attempts = new Map<string, Array<Record<string, unknown>>>();
  for (const row of rows) attempts.set(String(row.migration_name), [...(attempts.get(String(row.migration_name)) ?? []), row]);
  const entries: HistoryEntry[] = [];
  const problems: string[] = [];
  const names = [...attempts.keys()].sort();
  for (const name of names) {
    const tries = attempts.get(name)!;
    const done = (r: Record<string, unknown>) => r.finished_at !== null && r.finished_at !== undefined;
    const rolledBack = (r: Record<string, unknown>) => r.rolled_back_at !== null && r.rolled_back_at !== undefined;
    if (tries.some((r) => done(r) && !rolledBack(r))) {
      const description = name.replace(/^\d+_/, '');
      entries.push({ label: `Prisma migration ${name}`, matches: (m) => m.fileName === `${name}.sql`, fallback: (m) => m.name === description });
    } else if (tries.some(rolledBack)) {
      problems.push(`Prisma migration ${name} was rolled back (prisma migrate resolve --rolled-back) and not applied again: apply it with Prisma or remove it before adopting`);
    } else {
      problems.push(`Prisma migration ${name} failed or has not finished (finished_at is empty): resolve it with prisma migrate resolve before adopting`);
    }
  }
  return { entries, problems, warnings: [], ordered: true };
}

/** Drizzle: one row per applied file, with the sha256 of the file's text; files match by that hash. */
function drizzleHistory(rows: Array<Record<string, unknown>>): ForeignHistory {
  const entries = rows.map((row) => {
    const hash = String(row.hash);
    return { label: `Drizzle migration ${String(row.id)} (hash ${hash.slice(0, 12)}…)`, matches: (m: Migration) => sha256(m.sql) === hash };
  });
  return { entries, problems: [], warnings: [] };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The files the history says were applied, in version order; refuses when history and files disagree. */
function matchFiles(migrations: ReadonlyArray<Migration>, history: ForeignHistory, from: AdoptSource, table: string): Migration[] {
  const problems = [...history.problems];
  const adopted = new Map<string, Migration>();
  const claimedBy = new Map<string, string>();
  const mapped: Migration[] = [];
  for (const entry of history.entries) {
    let candidates = migrations.filter(entry.matches);
    if (candidates.length === 0 && entry.fallback) candidates = migrations.filter(entry.fallback);
    if (candidates.length === 0) {
      problems.push(`${entry.label} has no file in this set: add the file it applied (adoption needs a file for every applied migration)`);
    } else if (candidates.length > 1) {
      problems.push(`${entry.label} matches several files (${candidates.map((m) => m.fileName).join(', ')}): the mapping is ambiguous; keep one`);
    } else {
      const file = candidates[0];
      const other = claimedBy.get(file.fileName);
      if (other) problems.push(`${entry.label} and ${other} both map to ${file.fileName}: the mapping is ambiguous`);
      claimedBy.set(file.fileName, entry.label);
      adopted.set(file.version, file);
      mapped.push(file);
    }
  }
  if (history.ordered) {
    for (let i = 1; i < mapped.length; i++) {
      if (compareVersions(mapped[i - 1].version, mapped[i].version) > 0) {
        problems.push(`${from} applied the file mapped to ${mapped[i - 1].fileName} before the one mapped to ${mapped[i].fileName}, but the file versions order them the other way: the mapping is ambiguous; rename the files to keep ${from}'s order`);
      }
    }
  }
  const upTo = history.coveredUpTo;
  if (upTo !== undefined) for (const m of migrations) if (compareVersions(m.version, upTo) <= 0) adopted.set(m.version, m);
  const files = [...adopted.values()].sort((a, b) => compareVersions(a.version, b.version));
  const newest = files[files.length - 1];
  if (newest) {
    for (const m of migrations) {
      if (compareVersions(m.version, newest.version) < 0 && !adopted.has(m.version)) {
        problems.push(`${m.fileName} is older than ${newest.fileName}, the newest file ${from} applied, but ${table} has no entry for it: the files and the history disagree`);
      }
    }
  }
  if (problems.length > 0) {
    throw new MigrationStateError(`cannot adopt ${from}'s history from ${table}; nothing was recorded:\n${problems.map((p) => `- ${p}`).join('\n')}`);
  }
  return files;
}
