/**
 * The programmatic API, for Node.js code outside CDK: a jest or vitest `globalSetup` that builds a
 * test database from the same migration files that go to DSQL, or a script that migrates on start.
 *
 *   import { applyMigrations } from 'cdk-dsql-migrations/api';
 *   await applyMigrations({ migrationsPath: 'migrations', connectionString: process.env.DATABASE_URL });
 *
 * It is bundled with node-postgres and the DSQL signer (assets/api/index.js), like the CLI, so the
 * jsii package gains no runtime dependency.
 */
import { describedConnector, dsqlDescription, maskConnectionString } from './connection';
import { dsqlConnector, dsqlRegion, postgresConnector } from '../connectors';
import { checkedMigrations } from '../src/check';
import { adoptHistory as adoptEngineHistory, AdoptionResult, AdoptSource, applyMigrationSet, ConnectFn, Dialect, loadMigrations, MigrationStatus, readMigrationFolder, readMigrationStatus, RunOptions, RunResult, SqlSession } from '../src/engine';
import { RuleSetting } from '../src/lint';

export type { AdoptionResult, AdoptSource, AppliedMigration, Dialect, Migration, MigrationState, MigrationStatus, RunnerEvent, RunProgress, RunResult } from '../src/engine';
// Classes, so that callers can tell failures apart with instanceof.
export { LeaseLostError, MigrationError, MigrationStateError, MigrationValidationError, RunInterruptedError } from '../src/engine';
export { ConnectionError } from './connection';

/**
 * A connected client the caller owns, such as a node-postgres `Client`: migrations run on it and it
 * is left open (the caller ends it).
 */
export interface QueryableClient {
  query(text: string, params?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
  /** node-postgres' event emitter: while migrations run, a lost connection's 'error' is handled. */
  on?(event: 'error', listener: (e: Error) => void): unknown;
  off?(event: 'error', listener: (e: Error) => void): unknown;
}

/** Where to connect: exactly one of `connectionString`, `client` or `endpoint`. */
export interface MigrationTarget {
  /** Folder of `NNNN_description.sql` files. */
  readonly migrationsPath: string;
  /** A PostgreSQL URL; a connection is opened (and closed) for the run. */
  readonly connectionString?: string;
  /** A connected client the caller owns; not ended. */
  readonly client?: QueryableClient;
  /** An Aurora DSQL cluster endpoint; IAM tokens come from the default AWS credential chain. */
  readonly endpoint?: string;
  /** The DSQL cluster's region. @default the region in the endpoint, else AWS_REGION */
  readonly region?: string;
  /** The DSQL database role. @default 'admin' */
  readonly user?: string;
  /**
   * The server's dialect: 'dsql' for a DSQL emulator that speaks PostgreSQL on localhost (files
   * are sent as written, `CREATE INDEX ASYNC` included, and async jobs read from `sys.jobs`).
   * @default 'dsql' for `endpoint`, else detected (DSQL when the `sys.jobs` view exists)
   */
  readonly dialect?: Dialect;
}

export interface ApplyMigrationsOptions extends MigrationTarget {
  /** Refuse on PostgreSQL what DSQL refuses in a transaction, so local tests keep DSQL's rules. @default false */
  readonly strict?: boolean;
  /** A file changed after it was applied: 'fail' (default) or 'accept' with a warning. */
  readonly onChangedFile?: RunOptions['onChangedFile'];
  /** A never-applied file older than the newest applied one: 'fail' (default) or 'apply'. */
  readonly outOfOrder?: RunOptions['outOfOrder'];
  /** Adopt a database that already holds the schema: record the files up to this version without running them. */
  readonly baselineVersion?: string;
  /**
   * Send each data change with the runner's bookkeeping write as one message (one round trip).
   * @default true on PostgreSQL; false on DSQL, whose documentation does not say whether it accepts several statements in one message
   */
  readonly oneMessageTransactions?: boolean;
  /** Structured events: one per applied file, retry, reconnect. Never carries credentials. */
  readonly log?: RunOptions['log'];
  /** Aborting stops the run before its next commit and releases its lease (rejects with `RunInterruptedError`). */
  readonly signal?: AbortSignal;
  /**
   * Lint the files first, as `cdk synth` does, and refuse lint errors (a MigrationValidationError
   * naming file, line, column and rule). `{ rules }` changes severities as the construct's
   * `lint.rules` does; `false` applies files with lint errors. @default true
   */
  readonly lint?: boolean | { readonly rules?: Readonly<Record<string, RuleSetting>> };
  /**
   * Values of the files' `${{ name }}` placeholders, inserted as text (write the quotes in the
   * SQL); never logged. A placeholder with no value fails with a MigrationValidationError
   * (unknown-parameter), as `cdk synth` does.
   */
  readonly parameters?: Readonly<Record<string, string>>;
}

/** Applies the pending migrations in `migrationsPath` and returns what was applied. */
export async function applyMigrations(options: ApplyMigrationsOptions): Promise<RunResult> {
  const lint = options.lint ?? true;
  const parameters = options.parameters ?? {};
  const migrations = checkedMigrations(options.migrationsPath, readMigrationFolder(options.migrationsPath),
    lint === false ? false : lint === true ? {} : lint, Object.keys(parameters));
  const { connect, dialect } = connectorFor(options);
  return applyMigrationSet(connect, migrations, {
    dialect,
    strict: options.strict,
    onChangedFile: options.onChangedFile,
    outOfOrder: options.outOfOrder,
    baselineVersion: options.baselineVersion,
    oneMessageTransactions: options.oneMessageTransactions,
    parameters,
    log: options.log,
    // A caller's client cannot be reopened: a lost connection fails the run at once, and the lease
    // cannot have a connection of its own, so it is renewed between statements and lasts longer.
    ...(options.client ? { maxReconnects: 0, leaseHeartbeat: false, leaseMs: 10 * 60_000 } : {}),
    signal: options.signal,
  });
}

/**
 * The state of every migration file and record; reads only, creates nothing. `parameters` are the
 * values apply would use: a repeatable file that uses one is `outdated` when its value changed.
 */
export async function migrationStatus(
  options: MigrationTarget & { readonly parameters?: Readonly<Record<string, string>> },
): Promise<MigrationStatus[]> {
  const migrations = loadMigrations(options.migrationsPath);
  return readMigrationStatus(connectorFor(options).connect, migrations, options.parameters);
}

export interface AdoptHistoryOptions extends MigrationTarget {
  /** The tool whose history table to read: 'flyway', 'golang-migrate', 'dbmate', 'prisma' or 'drizzle'. */
  readonly from: AdoptSource;
  /** Its table, `name` or `schema.name`. @default the tool's own (golang-migrate's and dbmate's must be renamed first) */
  readonly table?: string;
  /** Check and return what would be recorded; write nothing. @default false */
  readonly dryRun?: boolean;
}

/**
 * Records the files another tool applied as adopted, without running them, after checking its
 * history against the files; rejects with a MigrationStateError (nothing recorded) when they
 * disagree or an entry is dirty, failed or rolled back. The other tool's table is only read.
 */
export async function adoptHistory(options: AdoptHistoryOptions): Promise<AdoptionResult> {
  const migrations = loadMigrations(options.migrationsPath);
  return adoptEngineHistory(connectorFor(options).connect, migrations, {
    from: options.from,
    table: options.table,
    dryRun: options.dryRun,
    // A caller's client is the only connection: the lease is renewed between statements.
    ...(options.client ? { leaseHeartbeat: false } : {}),
  });
}

function connectorFor(options: MigrationTarget): { connect: ConnectFn; dialect?: Dialect } {
  const target = serverFor(options);
  return options.dialect ? { ...target, dialect: options.dialect } : target;
}

function serverFor(options: MigrationTarget): { connect: ConnectFn; dialect?: Dialect } {
  const given = (['connectionString', 'client', 'endpoint'] as const).filter((k) => options[k] !== undefined);
  if (given.length !== 1) {
    throw new TypeError(`pass exactly one of connectionString, client or endpoint (got ${given.length === 0 ? 'none' : given.join(' and ')})`);
  }
  if (options.client) {
    const client = options.client;
    // The runner ends every session it opens; this one belongs to the caller, who gets it back as
    // it was. While the run uses it, a lost connection fails the run instead of crashing the process.
    const ignore = () => undefined;
    const session: SqlSession = { query: (text, params) => client.query(text, params), end: async () => void client.off?.('error', ignore) };
    return {
      connect: async () => {
        client.on?.('error', ignore);
        return session;
      },
    };
  }
  // A connection that cannot be opened names the target (host, port, database), never the password.
  if (options.connectionString) {
    return { connect: describedConnector(postgresConnector(options.connectionString), maskConnectionString(options.connectionString)) };
  }
  const endpoint = options.endpoint!;
  const region = dsqlRegion(endpoint, options.region);
  if (!region) throw new TypeError(`no AWS region for ${endpoint}: pass region or set AWS_REGION`);
  const user = options.user ?? 'admin';
  return { connect: describedConnector(dsqlConnector({ endpoint, region, user }), dsqlDescription(endpoint, user, region)), dialect: 'dsql' };
}
