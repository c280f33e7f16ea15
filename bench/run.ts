/**
 * The benchmarks: `npx projen bench` (bundles the handler, then runs this file).
 * Writes docs/benchmarks.md and prints the results table.
 *
 * Environment: BENCH_FILES (corpus files, default 200), BENCH_RUNS (runs per variant, default 9),
 * BENCH_SEED (corpus seed, default 1), BENCH_NOOP_MAX (largest no-op size, default 10000; a quick check of the
 * bench itself uses less), DSQL_MIGRATIONS_TEST_DATABASE_URL (use that server).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { measureApply } from './apply';
import { generateCorpus } from './corpus';
import { corpusStats } from './corpus-stats';
import { measureLambda, REPO_ROOT } from './lambda';
import { measureLint } from './lint';
import { measureNoop } from './noop';
import { BenchResults, renderDocument, resultsTable } from './report';
import { startBenchServer } from './server';
import { BENCH_NICENESS, elapsedMs, raiseOwnPriority } from './stats';
import { measureSynth } from './synth';
import { parseMigrations } from '../src/engine';

function numberFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${raw}`);
  return value;
}

async function main(): Promise<void> {
  const started = process.hrtime.bigint();
  const options = {
    files: numberFromEnv('BENCH_FILES', 200),
    seed: numberFromEnv('BENCH_SEED', 1),
    runs: numberFromEnv('BENCH_RUNS', 9),
    noopSizes: [10, 1000, 10000].filter((n) => n <= numberFromEnv('BENCH_NOOP_MAX', 10000)),
    lambdaProcesses: 20,
    synthFiles: 1000,
    synthRuns: 5,
  };
  const progress = (line: string) => console.log(line);
  const sectionMs: Record<string, number> = {};
  const section = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    console.log(`${name}...`);
    const start = process.hrtime.bigint();
    const result = await work();
    sectionMs[name] = elapsedMs(start);
    return result;
  };

  let raisedPriority = raiseOwnPriority();

  const sources = generateCorpus({ files: options.files, seed: options.seed });
  const migrations = parseMigrations(sources);

  const server = await section('postgres', () => startBenchServer());
  raisedPriority = server.raisePriority(BENCH_NICENESS) && raisedPriority;
  let apply, noop;
  try {
    apply = await section('apply', () => measureApply(server, migrations, options.runs, progress));
    noop = await section('no-op', () => measureNoop(server, options.noopSizes, options.runs, progress));
  } finally {
    await server.stop();
  }
  // Process-spawning and in-process measurements run with the database server stopped.
  const lambda = await section('lambda', () => measureLambda(options.lambdaProcesses, progress));
  const synth = await section('synth', () => measureSynth(options.synthFiles, options.synthRuns, options.seed, progress));
  const lint = await section('lint', () => measureLint(sources, options.runs));

  const cpus = os.cpus();
  const results: BenchResults = {
    date: new Date().toISOString(),
    machine: {
      node: process.version,
      cpus: cpus.length,
      cpuModel: cpus[0]?.model.trim() ?? 'unknown',
      memoryGb: Math.round(os.totalmem() / 1024 ** 3),
      os: `${os.type()} ${os.release()} ${os.arch()}`,
    },
    server: { version: server.version, settings: server.settings, statementStats: server.statementStats },
    priority: raisedPriority ? `nice ${BENCH_NICENESS} for the bench process and its PostgreSQL server` : 'default (raising the priority was not allowed)',
    options,
    corpus: corpusStats(migrations),
    apply,
    noop,
    lambda,
    synth,
    lint,
    durationMs: elapsedMs(started),
    sectionMs,
  };
  const file = path.join(REPO_ROOT, 'docs', 'benchmarks.md');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${renderDocument(results)}\n`);
  console.log(`\n${resultsTable(results)}\n\nWrote ${path.relative(process.cwd(), file)} in ${(results.durationMs / 1000).toFixed(0)} s.`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
