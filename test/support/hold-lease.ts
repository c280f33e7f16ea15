/**
 * A runner in a child process, for tests that kill it (SIGKILL) while it holds the lease:
 * `node -r ts-node/register/transpile-only test/support/hold-lease.ts <url> <leaseMs> <owner>`.
 * It applies `LONG_RUN_FILES`; their second file sleeps as long as the `naps` table says.
 */
import { postgresConnector } from '../../connectors';
import { parseMigrations } from '../../src/engine/migration-set';
import { applyMigrationSet } from '../../src/engine/runner';

export const LONG_RUN_FILES = {
  '0001_marks.sql': 'CREATE TABLE IF NOT EXISTS marks (note TEXT);',
  '0002_nap.sql': "SELECT pg_sleep(seconds) FROM naps;\nINSERT INTO marks VALUES ('once');",
};

if (require.main === module) {
  const [url, leaseMs, owner] = process.argv.slice(2);
  const files = parseMigrations(Object.entries(LONG_RUN_FILES).map(([fileName, sql]) => ({ fileName, sql })));
  applyMigrationSet(postgresConnector(url), files, { dialect: 'postgresql', strict: true, leaseMs: Number(leaseMs), owner }).then(
    () => process.exit(0),
    (e) => {
      process.stderr.write(`${(e as Error).message}\n`);
      process.exit(1);
    },
  );
}
