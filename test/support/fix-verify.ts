import { DATABASE_URL_ENV } from './local-postgres';
import { scratchDatabasesOn, verifyFixes, VerifyReport } from '../../cli/fix-verify';
import { MigrationSource } from '../../src/engine/migration-set';
import { fixSql, FixOptions } from '../../src/lint/fix';

let scratch: ReturnType<typeof scratchDatabasesOn> | undefined;
/** Scratch databases on the test run's PostgreSQL, one at a time (the last goes with the server). */
export const testDatabases = { create: (roles: ReadonlyArray<string>) => (scratch ??= scratchDatabasesOn(serverUrl())).create(roles) };

function serverUrl(): string {
  const url = process.env[DATABASE_URL_ENV];
  if (!url) throw new Error(`${DATABASE_URL_ENV} is not set: the jest global setup starts the server`);
  return url;
}

/** Fixes every file of a set, then applies the original and the fixed set in DSQL-strict mode. */
export async function fixAndVerify(sources: ReadonlyArray<MigrationSource>, options: FixOptions = {}): Promise<VerifyReport> {
  const fixed = sources.map((s) => ({ fileName: s.fileName, sql: fixSql(s.sql, { ...options, fileName: s.fileName }).sql }));
  // The fixer returns LF text; compare like with like so that only real rewrites count as changed.
  const original = sources.map((s) => ({ fileName: s.fileName, sql: s.sql.replace(/\r\n/g, '\n') }));
  return verifyFixes(original, fixed, testDatabases);
}
