/**
 * Proof that `fix` did not break a migration set: the original and the fixed files are applied to
 * scratch PostgreSQL databases by the engine's runner in DSQL-strict mode (one DDL per transaction,
 * no DDL with DML; DSQL-only syntax translated), and every file whose fixed version fails where the
 * original applied is reported.
 *
 * The runner stops at the first failing file. To judge the files after it, a failing file is
 * replaced by its other version (the fixed one for an original, and the reverse), or left out when
 * both fail, and the set is applied again to a new database.
 */
import { Client } from 'pg';
import { postgresConnector } from '../connectors';
import { applyMigrationSet, ConnectFn, Migration, MigrationError, MigrationSource, MigrationValidationError, parseMigrations, quoteIdentifier } from '../src/engine';

/** Makes empty databases to apply a set to, one at a time. */
export interface ScratchDatabases {
  /** `roles`: roles the set creates, to be dropped with the previous database (roles belong to the server). */
  create(roles: ReadonlyArray<string>): Promise<ConnectFn>;
}

export type Outcome = { readonly ok: true } | { readonly ok: false; readonly error: string };

export interface VerifiedFile {
  readonly fileName: string;
  readonly changed: boolean;
  readonly original: Outcome;
  readonly fixed: Outcome;
}

export interface VerifyReport {
  readonly files: VerifiedFile[];
  /** Files whose fixed version fails where the original applied. */
  readonly regressions: VerifiedFile[];
}

/** `original` and `fixed` list the same files in the same (version) order. */
export async function verifyFixes(
  original: ReadonlyArray<MigrationSource>, fixed: ReadonlyArray<MigrationSource>, databases: ScratchDatabases,
): Promise<VerifyReport> {
  const before = await outcomes(original, fixed, databases);
  const after = await outcomes(fixed, original, databases);
  const files = original.map((o, i) => ({
    fileName: o.fileName,
    changed: o.sql !== fixed[i].sql,
    original: before.get(o.fileName)!,
    fixed: after.get(o.fileName)!,
  }));
  return { files, regressions: files.filter((f) => f.original.ok && !f.fixed.ok) };
}

type Failure = { readonly fileName: string; readonly error: string } | undefined;

async function outcomes(
  own: ReadonlyArray<MigrationSource>, other: ReadonlyArray<MigrationSource>, databases: ScratchDatabases,
): Promise<Map<string, Outcome>> {
  const result = new Map<string, Outcome>();
  // Per file: the version that runs next (own, then other once own failed, then none).
  const running: Array<MigrationSource | undefined> = [...own];
  for (;;) {
    const set = running.filter((s): s is MigrationSource => s !== undefined);
    const failure = await applyUntilFailure(set, databases);
    const failedAt = failure ? set.findIndex((s) => s.fileName === failure.fileName) : set.length;
    for (const s of set.slice(0, failedAt)) if (own.includes(s) && !result.has(s.fileName)) result.set(s.fileName, { ok: true });
    if (!failure) return result;
    const i = running.indexOf(set[failedAt]);
    if (running[i] === own[i]) {
      result.set(own[i].fileName, { ok: false, error: failure.error });
      running[i] = other[i].sql !== own[i].sql ? other[i] : undefined;
    } else {
      running[i] = undefined;
    }
  }
}

/**
 * Applies a set to a new database, one more file per runner call, so that any refusal (also one
 * the runner does not attribute to a file) is pinned to the file that caused it.
 */
async function applyUntilFailure(set: ReadonlyArray<MigrationSource>, databases: ScratchDatabases): Promise<Failure> {
  const connect = await databases.create(rolesCreatedBy(set));
  const migrations: Migration[] = [];
  for (const source of set) {
    try {
      migrations.push(...parseMigrations([source]));
      await applyMigrationSet(connect, migrations, { strict: true, dialect: 'postgresql', maxReconnects: 0 });
    } catch (e) {
      if (e instanceof MigrationValidationError) return { fileName: source.fileName, error: e.problems.map((p) => `${p.rule}: ${p.message}`).join('; ') };
      return { fileName: source.fileName, error: e instanceof MigrationError ? e.message : `${(e as Error).message}` };
    }
  }
  return undefined;
}

/** Names of the roles a set's files create (as PostgreSQL folds them). */
function rolesCreatedBy(set: ReadonlyArray<MigrationSource>): string[] {
  const names = set.flatMap((s) => [...s.sql.matchAll(/\bCREATE\s+(?:ROLE|USER)\s+(?:IF\s+NOT\s+EXISTS\s+)?("(?:[^"]|"")+"|\w+)/gi)].map((m) => m[1]));
  return [...new Set(names.map((n) => (n.startsWith('"') ? n.slice(1, -1).replace(/""/g, '"') : n.toLowerCase())))];
}

/**
 * Scratch databases on the PostgreSQL server of `serverUrl` (the user needs CREATEDB, and CREATEROLE
 * for sets that create roles). Making the next drops the previous one, and the roles the set
 * creates that did not exist before the first: a second run of the same files would find them.
 */
export function scratchDatabasesOn(serverUrl: string): ScratchDatabases & { dropAll(roles?: ReadonlyArray<string>): Promise<void> } {
  let current: string | undefined;
  let existingRoles: Set<string> | undefined;
  let count = 0;
  const admin = async <T>(work: (client: Client) => Promise<T>) => {
    const client = new Client({ connectionString: serverUrl, application_name: 'cdk-dsql-migrations' });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  const dropAll = (roles: ReadonlyArray<string> = []) => admin(async (c) => {
    if (current) await c.query(`DROP DATABASE IF EXISTS ${current} WITH (FORCE)`);
    current = undefined;
    existingRoles ??= new Set((await c.query('SELECT rolname FROM pg_catalog.pg_roles')).rows.map((r) => r.rolname as string));
    for (const role of roles) if (!existingRoles.has(role)) await c.query(`DROP ROLE IF EXISTS ${quoteIdentifier(role)}`);
  });
  return {
    async create(roles) {
      await dropAll(roles);
      const name = `dsql_migrations_verify_${process.pid}_${++count}`;
      await admin((c) => c.query(`CREATE DATABASE ${name}`));
      current = name;
      const url = new URL(serverUrl);
      url.pathname = `/${name}`;
      return postgresConnector(url.toString());
    },
    dropAll,
  };
}
