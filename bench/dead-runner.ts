/**
 * How long a runner that died blocks the next one, with the defaults a user gets: the bundled CLI
 * applies a file with a long statement, is killed with SIGKILL while it holds the lease, and a
 * second `dsql-migrations apply` starts at once. Prints, per trial, how long the second run took
 * (waiting for the dead runner's lease to expire included), its waiting lines, and whether any row
 * was lost or written twice.
 *
 *   npx ts-node --transpile-only --project test/tsconfig.json bench/dead-runner.ts [trials]
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { queryRows as sql } from '../test/support/database';
import { LONG_RUN_FILES } from '../test/support/hold-lease';
import { createDatabase, startLocalPostgres } from '../test/support/local-postgres';

const CLI = path.join(__dirname, '..', 'assets', 'cli', 'index.js');

function apply(dir: string, url: string) {
  const child = spawn(process.execPath, [CLI, 'apply', '--dir', dir, '--url', url], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const done = new Promise<{ code: number | null; signal: string | null; output: string }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, output })));
  return { child, done };
}

async function trial(serverUrl: string, dir: string) {
  const url = await createDatabase(serverUrl, 'dead_runner');
  await sql(url, 'CREATE TABLE naps (seconds INT); INSERT INTO naps VALUES (120)');
  const first = apply(dir, url);
  while (Number((await sql(url, "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'SELECT pg_sleep(seconds)%'"))[0].n) === 0) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  // Somewhere in the lease's heartbeat cycle, as a real crash would be.
  await new Promise((resolve) => setTimeout(resolve, Math.random() * 10_000));
  first.child.kill('SIGKILL');
  const killed = await first.done;
  await sql(url, 'UPDATE naps SET seconds = 0');
  const started = Date.now();
  const second = await apply(dir, url).done;
  const waitedMs = Date.now() - started;
  const marks = Number((await sql(url, 'SELECT count(*)::int AS n FROM marks'))[0].n);
  const recorded = Number((await sql(url, 'SELECT count(*)::int AS n FROM schema_migrations'))[0].n);
  await sql(url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'SELECT pg_sleep(seconds)%'");
  return {
    killedBy: killed.signal,
    secondExit: second.code,
    waitedMs,
    waitingLines: second.output.split('\n').filter((l) => /waiting for the migration lock/.test(l)).length,
    marks,
    recorded,
  };
}

async function main(): Promise<void> {
  if (!fs.existsSync(CLI)) throw new Error('assets/cli/index.js is missing: run `npx projen bundle:cli` first');
  const trials = Number(process.argv[2] ?? 5);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dead-runner-'));
  for (const [name, text] of Object.entries(LONG_RUN_FILES)) fs.writeFileSync(path.join(dir, name), text);
  const server = await startLocalPostgres();
  try {
    const results = [];
    for (let i = 0; i < trials; i++) {
      const r = await trial(server.url, dir);
      results.push(r);
      console.log(JSON.stringify({ trial: i + 1, ...r }));
    }
    const waits = results.map((r) => r.waitedMs).sort((a, b) => a - b);
    console.log(JSON.stringify({
      trials,
      waitedMs: { min: waits[0], median: waits[Math.floor(waits.length / 2)], max: waits[waits.length - 1] },
      secondRunsSucceeded: results.filter((r) => r.secondExit === 0).length,
      rowsLost: results.filter((r) => r.marks < 1).length,
      rowsDuplicated: results.filter((r) => r.marks > 1).length,
    }));
  } finally {
    await server.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
