import { DATABASE_URL_ENV, startLocalPostgres } from './local-postgres';
import { SHARED_AVAILABLE, SHARED_SKIP_NOTICE } from './shared';

/**
 * Starts one PostgreSQL 16 for the whole test run (or uses DSQL_MIGRATIONS_TEST_DATABASE_URL).
 * Test files create their own databases on it with `createDatabase`, so they run in parallel.
 */
export default async function globalSetup(): Promise<void> {
  if (!SHARED_AVAILABLE) console.log(`\n${SHARED_SKIP_NOTICE}`);
  const server = await startLocalPostgres();
  process.env[DATABASE_URL_ENV] = server.url;
  (globalThis as { __LOCAL_POSTGRES__?: unknown }).__LOCAL_POSTGRES__ = server;
}
