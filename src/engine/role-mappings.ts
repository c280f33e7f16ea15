/**
 * Mappings of IAM principals to database roles (`AWS IAM GRANT role TO 'arn'`), kept in step with
 * the list the construct declares: each deploy grants what is new and revokes what was removed,
 * and records what it did in `schema_migrations_role_mappings`. The roles themselves and their
 * privileges are the migrations' business; this module only maps principals to them.
 */
import { BOOKKEEPING_SCHEMA, createTable, SqlSession } from './bookkeeping';
import { ConnectFn } from './connect';
import { Dialect } from './dialect';
import { MigrationStateError, RetryOptions, withRetries } from './errors';
import { quoteIdentifier, quoteLiteral } from './quoting';
import type { RunnerEvent } from './runner';

/** One IAM principal (role or user ARN) allowed to connect as one database role. */
export interface RoleMapping {
  readonly databaseRole: string;
  readonly principalArn: string;
}

export const ROLE_MAPPINGS_TABLE = `${BOOKKEEPING_SCHEMA}.schema_migrations_role_mappings`;

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS ${ROLE_MAPPINGS_TABLE} (
  role_name TEXT NOT NULL,
  principal_arn TEXT NOT NULL,
  granted_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
  PRIMARY KEY (role_name, principal_arn)
)`;

/**
 * A database role a principal may be mapped to: a name that stays as written when unquoted
 * (lower case, so that `CREATE ROLE app_user` and the login name agree), at most 63 bytes, not
 * `admin` (DSQL's own role, reached with `dsql:DbConnectAdmin`) and not `pg_*` (reserved by
 * PostgreSQL). Returns the problem, or undefined for a valid name.
 */
export function databaseRoleProblem(name: string): string | undefined {
  if (name === 'admin') return '"admin" is the role DSQL manages (reached with dsql:DbConnectAdmin); map principals to a role a migration creates, with only the privileges it needs';
  if (!/^[a-z_][a-z0-9_$]{0,62}$/.test(name)) return `"${name}" is not a database role name: lower-case letters, digits, _ and $, not starting with a digit, at most 63 characters (an unquoted name in SQL is folded to lower case)`;
  if (name.startsWith('pg_')) return `"${name}" starts with pg_, which PostgreSQL reserves for its own roles`;
  return undefined;
}


/** The DSQL statement that maps a principal to a role (docs/dsql-facts.md §5). */
export function iamGrantStatement(m: RoleMapping): string {
  return `AWS IAM GRANT ${quoteIdentifier(m.databaseRole)} TO ${quoteLiteral(m.principalArn)}`;
}

/** The DSQL statement that removes a mapping (docs/dsql-facts.md §5). */
export function iamRevokeStatement(m: RoleMapping): string {
  return `AWS IAM REVOKE ${quoteIdentifier(m.databaseRole)} FROM ${quoteLiteral(m.principalArn)}`;
}

export interface RoleMappingOptions {
  /** 'dsql' sends AWS IAM GRANT/REVOKE; 'postgresql' only records (the statements exist on DSQL only). */
  readonly dialect: Dialect;
  readonly log?: (event: RunnerEvent) => void;
  readonly retry?: RetryOptions;
}

export interface RoleMappingResult {
  readonly granted: RoleMapping[];
  readonly revoked: RoleMapping[];
}

const key = (m: RoleMapping) => `${m.databaseRole}\n${m.principalArn}`;

/**
 * Grants the desired mappings that are not recorded and revokes the recorded ones that are no
 * longer desired, recording each as it goes, so that a run stopped halfway is finished by the next.
 * Every role to grant must exist (a migration creates it): otherwise nothing is granted and the
 * error names the missing roles. With nothing desired and nothing recorded, it sends no DDL.
 */
export async function syncRoleMappings(
  connect: ConnectFn, desired: ReadonlyArray<RoleMapping>, options: RoleMappingOptions,
): Promise<RoleMappingResult> {
  const log = options.log ?? (() => undefined);
  const session = await connect();
  try {
    const exists = (await session.query(
      `SELECT count(*)::int AS n FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace s ON s.oid = c.relnamespace
       WHERE s.nspname = $1 AND c.relname = $2 AND c.relkind = 'r'`,
      [BOOKKEEPING_SCHEMA, ROLE_MAPPINGS_TABLE.slice(BOOKKEEPING_SCHEMA.length + 1)],
    )).rows[0]?.n === 1;
    if (!exists && desired.length === 0) return { granted: [], revoked: [] };
    if (!exists) await createTable(session, CREATE_TABLE, options.retry);
    const { rows } = await session.query(`SELECT role_name, principal_arn FROM ${ROLE_MAPPINGS_TABLE} ORDER BY granted_at, role_name, principal_arn`);
    const recorded = rows.map((r) => ({ databaseRole: String(r.role_name), principalArn: String(r.principal_arn) }));
    const wanted = new Map(desired.map((m) => [key(m), m]));
    const have = new Set(recorded.map(key));
    const toGrant = [...wanted.values()].filter((m) => !have.has(key(m)));
    const toRevoke = recorded.filter((m) => !wanted.has(key(m)));
    await checkRolesExist(session, toGrant);

    // New mappings first: a function still running the previous code keeps its old role until
    // CloudFormation updates it, after this resource.
    for (const m of toGrant) {
      await send(session, options, iamGrantStatement(m), m, 'grant', log);
      await withRetries(async () => {
        try {
          await session.query(`INSERT INTO ${ROLE_MAPPINGS_TABLE} (role_name, principal_arn) VALUES ($1, $2)`, [m.databaseRole, m.principalArn]);
        } catch (e) {
          // 23505: recorded meanwhile by another run, which is just as good.
          if ((e as { code?: string }).code !== '23505') throw e;
        }
      }, options.retry);
    }
    for (const m of toRevoke) {
      await send(session, options, iamRevokeStatement(m), m, 'revoke', log);
      await withRetries(() => session.query(`DELETE FROM ${ROLE_MAPPINGS_TABLE} WHERE role_name = $1 AND principal_arn = $2`, [m.databaseRole, m.principalArn]), options.retry);
    }
    return { granted: toGrant, revoked: toRevoke };
  } finally {
    await session.end().catch(() => undefined);
  }
}

async function checkRolesExist(session: SqlSession, toGrant: ReadonlyArray<RoleMapping>): Promise<void> {
  const names = [...new Set(toGrant.map((m) => m.databaseRole))];
  if (names.length === 0) return;
  // pg_roles, not pg_authid, which DSQL does not have (docs/dsql-facts.md §5).
  const { rows } = await session.query(`SELECT rolname FROM pg_catalog.pg_roles WHERE rolname IN (${names.map((_, i) => `$${i + 1}`).join(', ')})`, names);
  const found = new Set(rows.map((r) => String(r.rolname)));
  const missing = names.filter((n) => !found.has(n));
  if (missing.length === 0) return;
  throw new MigrationStateError(
    missing.map((n) => `database role "${n}" does not exist, so no IAM principal can be mapped to it: a migration must create it ` +
      `(CREATE ROLE ${n} WITH LOGIN, then GRANT it the privileges it needs). No mapping was changed.`).join('\n'),
  );
}

/**
 * Sends one AWS IAM statement on DSQL, in a transaction of its own. A mapping that is already
 * there (granted by hand or by a run stopped before it recorded it), or already gone, counts as
 * done. On PostgreSQL the statement has no meaning: it is logged as skipped.
 */
async function send(
  session: SqlSession, options: RoleMappingOptions, statement: string, m: RoleMapping, action: 'grant' | 'revoke', log: (e: RunnerEvent) => void,
): Promise<void> {
  const event = { event: 'role-mapping' as const, action, role: m.databaseRole, principal: m.principalArn };
  if (options.dialect !== 'dsql') {
    log({ ...event, sent: false, reason: `AWS IAM ${action.toUpperCase()} exists on Aurora DSQL only; recorded without sending it` });
    return;
  }
  try {
    await withRetries(() => session.query(statement), options.retry);
  } catch (e) {
    const code = (e as { code?: string }).code;
    // 42710 duplicate_object, 42704 undefined_object: the mapping is already as wanted
    // (what DSQL answers is not documented, docs/dsql-facts.md §5).
    const done = action === 'grant' ? code === '42710' : code === '42704';
    if (!done) throw e;
  }
  log({ ...event, sent: true });
}
