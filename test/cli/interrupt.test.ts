/**
 * Ctrl-C (SIGINT) or SIGTERM during `apply`, as a user's shell or CI runner sends it to the
 * bundled CLI: the run stops before its next commit, releases the lease at once (the next run does
 * not wait for it to expire), and exits non-zero with a message that says so.
 */
import { spawn } from 'child_process';
import * as path from 'path';
import { freshDatabase } from '../support/database';
import { tempDir } from '../support/harness';
import { LONG_RUN_FILES } from '../support/hold-lease';
import { isRunning, waitUntil } from '../support/sessions';
import { CLI_BUNDLE, cli, query, requireBundles, writeMigrations } from './support/cli';

beforeAll(requireBundles);

test.each(['SIGINT', 'SIGTERM'] as const)('%s stops apply before its next commit and releases the lease; the next apply runs at once', async (signal) => {
  const url = await freshDatabase('cli_interrupt');
  await query(url, 'CREATE TABLE naps (seconds INT); INSERT INTO naps VALUES (30)');
  const dir = writeMigrations(path.join(tempDir('cli-interrupt'), 'migrations'), LONG_RUN_FILES);
  const child = spawn(process.execPath, [CLI_BUNDLE, 'apply', '--dir', dir, '--url', url], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  await waitUntil(() => isRunning(url, 'SELECT pg_sleep(seconds)'), 'apply reaching its long statement');
  child.kill(signal);
  expect(await exited).toBe(1);
  expect(stderr).toContain(`${signal}: Interrupted: stopped before committing anything more, and released the migration lease; the next run resumes where this one stopped.`);
  expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  expect(await query(url, 'SELECT count(*)::int AS n FROM schema_migrations_lock')).toEqual([{ n: 0 }]);
  expect(await query(url, "SELECT version FROM schema_migrations WHERE version = '0002'")).toEqual([]);

  // The interrupted statement may still sleep on the server, uncommitted; the next apply needs no lease wait.
  await query(url, 'UPDATE naps SET seconds = 0');
  const again = await cli(['apply', '--dir', dir, '--url', url]);
  expect(again.code).toBe(0);
  expect(again.stderr).not.toContain('waiting for the migration lock');
  expect(await query(url, 'SELECT note FROM marks')).toEqual([{ note: 'once' }]);
  await query(url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'SELECT pg_sleep(seconds)%'");
});

test('Ctrl-C while apply waits for another runner\'s lease stops the wait and leaves that lease alone', async () => {
  const url = await freshDatabase('cli_interrupt_wait');
  const dir = writeMigrations(path.join(tempDir('cli-interrupt-wait'), 'migrations'), { '0001_t.sql': 'CREATE TABLE IF NOT EXISTS t (id INT);' });
  expect((await cli(['apply', '--dir', dir, '--url', url])).code).toBe(0);
  writeMigrations(dir, { '0002_u.sql': 'CREATE TABLE IF NOT EXISTS u (id INT);' });
  await query(url, "INSERT INTO schema_migrations_lock VALUES ('migrations', 'deploy-42', NOW(), NOW() + interval '1 hour')");
  const child = spawn(process.execPath, [CLI_BUNDLE, 'apply', '--dir', dir, '--url', url], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let waiting: () => void;
  const waited = new Promise<void>((resolve) => (waiting = resolve));
  child.stderr.on('data', (d) => {
    stderr += d;
    if (stderr.includes('waiting for the migration lock held by deploy-42')) waiting();
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  await waited;
  child.kill('SIGINT');
  expect(await exited).toBe(1);
  expect(stderr).toMatch(/waiting for the migration lock held by deploy-42 since \S+ \(lease until \S+\)\n/);
  expect(stderr).toContain('SIGINT: Interrupted');
  expect(await query(url, 'SELECT owner FROM schema_migrations_lock')).toEqual([{ owner: 'deploy-42' }]);
  expect(await query(url, "SELECT count(*)::int AS n FROM schema_migrations WHERE version = '0002'")).toEqual([{ n: 0 }]);
});
