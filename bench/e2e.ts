/**
 * The end-to-end benchmark: `npx projen bench:e2e` (bundles the CLI, then runs this file).
 * `dsql-migrations apply` as a process (start-up included) against `psql -f` once per file and a
 * bare per-statement pg loop, on a corpus shaped like real ORM sets, directly and through a relay
 * that delays the wire. Writes docs/benchmarks-e2e.md and prints its table.
 *
 * Environment: BENCH_E2E_FILES (default 300), BENCH_E2E_RUNS (rounds, default 3), BENCH_SEED
 * (default 1), BENCH_E2E_DELAY_MS (relay delay each way, default 1), DSQL_MIGRATIONS_TEST_DATABASE_URL;
 * BENCH_E2E_FROM=<json> renders the document again from a previous run's figures, measuring nothing.
 */
import { ChildProcess, execFile, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Client, ClientConfig } from 'pg';
import { floorStatements } from './apply';
import { writeMigrationsFolder } from './corpus';
import { renderE2eDocument, E2eResults, e2eTable, Variant, VARIANTS, Wire, WIRES } from './e2e-report';
import { REPO_ROOT } from './lambda';
import { generateRealShapedCorpus } from './real-shaped-corpus';
import { BenchServer, startBenchServer } from './server';
import { BENCH_NICENESS, cpuPressure, elapsedMs, median, raiseOwnPriority, rotated, timeMs } from './stats';
import { TARGET_ENV } from '../cli/target';
import { Migration, MigrationSource, parseMigrations, translateForPostgres } from '../src/engine';

const CLI = path.join(REPO_ROOT, 'assets', 'cli', 'index.js');
/**
 * The psql binary itself: Debian's /usr/bin/psql is a Perl wrapper that picks a version, and would
 * add a Perl start-up to every file. BENCH_E2E_PSQL overrides.
 */
function psqlBinary(): string {
  if (process.env.BENCH_E2E_PSQL) return process.env.BENCH_E2E_PSQL;
  try {
    const candidate = path.join(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim(), 'psql');
    if (fs.existsSync(candidate)) return candidate;
  } catch {
    // no pg_config: the psql on the PATH
  }
  return 'psql';
}
const PSQL = psqlBinary();
const RESULTS_FILE = path.join(os.tmpdir(), 'dsql-migrations-bench-e2e.json');

function numberFromEnv(name: string, fallback: number, allowZero = false): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) throw new Error(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got ${raw}`);
  return value;
}

/** Runs a program to completion; fails with its stderr (never its environment, which holds the password). */
function run(file: string, args: string[], env?: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env, maxBuffer: 16 * 1024 * 1024 }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`${path.basename(file)} ${args[0]} failed (exit ${String(error.code)}): ${stderr.slice(0, 2000)}`));
      else resolve();
    });
  });
}

/** libpq's variables for a database: psql and the CLI read the same ones, so no URL is on a command line. */
function pgEnv(config: ClientConfig): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PGHOST: config.host,
    PGPORT: String(config.port),
    PGUSER: config.user,
    PGPASSWORD: String(config.password),
    PGDATABASE: config.database,
    NO_COLOR: '1',
  };
  // A URL or endpoint in the environment would take precedence over the PG* variables.
  for (const name of Object.values(TARGET_ENV)) if (name !== TARGET_ENV.pgHost) delete env[name];
  return env;
}

function clientConfig(url: string, port?: number): ClientConfig {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: port ?? Number(u.port || 5432),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.slice(1)),
  };
}

/** The files as psql on PostgreSQL needs them: the translation the engine applies (ASYNC dropped). */
function postgresSources(migrations: ReadonlyArray<Migration>): MigrationSource[] {
  return migrations.map((m) => {
    const texts = m.statements.map((s) => translateForPostgres(s.text)).filter((t): t is string => t !== undefined);
    return { fileName: m.fileName, sql: `${texts.join(';\n')};\n` };
  });
}

interface Corpus {
  readonly dsqlDir: string;
  readonly postgresFiles: string[];
  readonly statements: string[];
  readonly migrations: Migration[];
}

function variantRunner(corpus: Corpus): Record<Variant, (config: ClientConfig) => Promise<void>> {
  return {
    cli: (config) => run(process.execPath, [CLI, 'apply', '-q', '--dir', corpus.dsqlDir], pgEnv(config)),
    psql: async (config) => {
      const env = pgEnv(config);
      for (const file of corpus.postgresFiles) await run(PSQL, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', file], env);
    },
    loop: async (config) => {
      const client = new Client(config);
      await client.connect();
      try {
        for (const text of corpus.statements) await client.query(text);
      } finally {
        await client.end();
      }
    },
  };
}

function writeCorpus(root: string, name: string, migrations: Migration[], sources: MigrationSource[]): Corpus {
  const dsqlDir = path.join(root, name, 'dsql');
  const postgresDir = path.join(root, name, 'postgresql');
  writeMigrationsFolder(dsqlDir, sources);
  const pgSources = postgresSources(migrations);
  writeMigrationsFolder(postgresDir, pgSources);
  return { dsqlDir, postgresFiles: pgSources.map((s) => path.join(postgresDir, s.fileName)), statements: floorStatements(migrations), migrations };
}

/** Starts the relay in its own process, so its timers do not share the measured process's event loop. */
async function startRelayProcess(targetPort: number, delayMs: number): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'relay.ts'), String(targetPort), String(delayMs)], {
    cwd: REPO_ROOT,
    env: { ...process.env, TS_NODE_PROJECT: path.join(REPO_ROOT, 'test', 'tsconfig.json') },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`relay exited with ${String(code)}`)));
    child.stdout!.once('data', (data: Buffer) => resolve(Number(String(data).trim())));
  });
  return { port, child };
}

/** Median time of one `SELECT 1` on an open connection. */
async function roundTripMs(config: ClientConfig, count: number): Promise<number> {
  const client = new Client(config);
  await client.connect();
  const times: number[] = [];
  try {
    for (let i = 0; i < count; i++) times.push(await timeMs(() => client.query('SELECT 1')));
  } finally {
    await client.end();
  }
  return median(times);
}

async function startupTimes(corpus: Corpus, root: string, runs: number): Promise<E2eResults['startup']> {
  const oneFile = path.join(root, 'one-file');
  writeMigrationsFolder(oneFile, [{ fileName: path.basename(corpus.postgresFiles[0]), sql: fs.readFileSync(path.join(corpus.dsqlDir, path.basename(corpus.postgresFiles[0])), 'utf8') }]);
  const commands: Record<keyof E2eResults['startup'], [string, string[]]> = {
    node: [process.execPath, ['-e', '0']],
    version: [process.execPath, [CLI, '--version']],
    lintOne: [process.execPath, [CLI, 'lint', '-q', '--dir', oneFile]],
    lintAll: [process.execPath, [CLI, 'lint', '-q', '--dir', corpus.dsqlDir]],
    psqlVersion: [PSQL, ['--version']],
  };
  const names = Object.keys(commands) as Array<keyof E2eResults['startup']>;
  const times = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<keyof E2eResults['startup'], number[]>;
  for (const n of names) await run(...commands[n]); // warm the page cache
  for (let round = 0; round < runs; round++) {
    for (const n of rotated(names, round)) times[n].push(await timeMs(() => run(...commands[n])));
  }
  return Object.fromEntries(names.map((n) => [n, median(times[n])])) as E2eResults['startup'];
}

async function measure(server: BenchServer, corpus: Corpus, warmup: Corpus, relayPort: number, runs: number, progress: (line: string) => void) {
  const portOf: Record<Wire, number | undefined> = { direct: undefined, delayed: relayPort };
  const runner = variantRunner(corpus);
  const warmRunner = variantRunner(warmup);
  for (const wire of WIRES) {
    for (const variant of VARIANTS) {
      const db = await server.freshDatabase(`e2e_warmup_${variant}`);
      await warmRunner[variant](clientConfig(db.url, portOf[wire]));
      await server.dropDatabase(db.name);
    }
  }
  const times = {} as Record<Wire, Record<Variant, number[]>>;
  const queries = {} as Record<Wire, Record<Variant, number[]>>;
  const commits = {} as Record<Wire, Record<Variant, number[]>>;
  for (const wire of WIRES) {
    times[wire] = { cli: [], psql: [], loop: [] };
    queries[wire] = { cli: [], psql: [], loop: [] };
    commits[wire] = { cli: [], psql: [], loop: [] };
  }
  const pressure: number[] = [];
  for (let round = 0; round < runs; round++) {
    pressure.push(cpuPressure());
    for (const wire of rotated(WIRES, round)) {
      for (const variant of rotated(VARIANTS, round)) {
        const db = await server.freshDatabase(`e2e_${variant}`);
        const before = await server.counters(db.name);
        const elapsed = await timeMs(() => runner[variant](clientConfig(db.url, portOf[wire])));
        const after = await server.counters(db.name);
        times[wire][variant].push(elapsed);
        queries[wire][variant].push(after.statements - before.statements);
        commits[wire][variant].push(after.commits - before.commits);
        await server.dropDatabase(db.name);
        progress(`  round ${round + 1}/${runs} ${wire} ${variant}: ${elapsed.toFixed(0)} ms`);
      }
    }
  }
  return { times, queries, commits, pressure };
}

function writeDocument(results: E2eResults): void {
  const file = path.join(REPO_ROOT, 'docs', 'benchmarks-e2e.md');
  fs.writeFileSync(file, `${renderE2eDocument(results)}\n`);
  // The raw figures, so the document can be rendered again without measuring (BENCH_E2E_FROM).
  fs.writeFileSync(RESULTS_FILE, JSON.stringify(results));
  console.log(`\n${e2eTable(results)}\n\nWrote ${path.relative(process.cwd(), file)} in ${(results.durationMs / 1000).toFixed(0)} s (figures in ${RESULTS_FILE}).`);
}

async function main(): Promise<void> {
  const from = process.env.BENCH_E2E_FROM;
  if (from) return writeDocument(JSON.parse(fs.readFileSync(from, 'utf8')) as E2eResults);
  const started = process.hrtime.bigint();
  const options = {
    files: numberFromEnv('BENCH_E2E_FILES', 300),
    runs: numberFromEnv('BENCH_E2E_RUNS', 3),
    seed: numberFromEnv('BENCH_SEED', 1),
    delayMs: numberFromEnv('BENCH_E2E_DELAY_MS', 1, true),
    startupRuns: 15,
  };
  if (!fs.existsSync(CLI)) throw new Error('assets/cli/index.js is missing: run `npx projen bundle:cli` (bench:e2e does)');
  const progress = (line: string) => console.log(line);
  const sources = generateRealShapedCorpus({ files: options.files, seed: options.seed });
  const migrations = parseMigrations(sources);
  const warmSources = sources.slice(0, 20);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dsql-migrations-e2e-'));
  let priority = raiseOwnPriority();
  const server = await startBenchServer();
  priority = server.raisePriority(BENCH_NICENESS) && priority;
  const relay = await startRelayProcess(Number(new URL(server.url).port || 5432), options.delayMs);
  try {
    const corpus = writeCorpus(root, 'corpus', migrations, sources);
    const warmup = writeCorpus(root, 'warmup', parseMigrations(warmSources), warmSources);
    progress('start-up...');
    const startup = await startupTimes(corpus, root, options.startupRuns);
    progress('round trip...');
    const admin = clientConfig(server.url);
    const rtt = { direct: await roundTripMs(admin, 200), delayed: await roundTripMs(clientConfig(server.url, relay.port), 200) };
    progress('apply...');
    const measured = await measure(server, corpus, warmup, relay.port, options.runs, progress);
    const cpus = os.cpus();
    const results: E2eResults = {
      date: new Date().toISOString(),
      machine: { node: process.version, cpus: cpus.length, cpuModel: cpus[0]?.model.trim() ?? 'unknown', os: `${os.type()} ${os.release()} ${os.arch()}` },
      serverVersion: server.version,
      psqlVersion: `${execFileSync(PSQL, ['--version'], { encoding: 'utf8' }).trim()} (${PSQL})`,
      statementStats: server.statementStats,
      priority: priority ? `nice ${BENCH_NICENESS} for the bench, the processes it starts and its PostgreSQL server` : 'default (raising the priority was not allowed)',
      options,
      corpus: {
        files: migrations.length,
        statements: migrations.reduce((n, m) => n + m.statements.length, 0),
        loopQueries: corpus.statements.length,
        smallFiles: migrations.filter((m) => m.statements.length <= 5).length,
        largestFile: Math.max(...migrations.map((m) => m.statements.length)),
      },
      startup,
      roundTripMs: rtt,
      ...measured,
      durationMs: elapsedMs(started),
    };
    writeDocument(results);
  } finally {
    relay.child.stdin!.end();
    relay.child.kill();
    await server.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
