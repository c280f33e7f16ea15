/** Turns the end-to-end measurements into docs/benchmarks-e2e.md and its results table. */
import type { Row as ReportRow } from './report';
import { int, median, ms, ratio } from './stats';

/** cli: `dsql-migrations apply` as a process; psql: `psql -f` once per file; loop: one pg client, statement by statement. */
export type Variant = 'cli' | 'psql' | 'loop';
export const VARIANTS: ReadonlyArray<Variant> = ['cli', 'psql', 'loop'];
/** direct: loopback; delayed: through the relay. */
export type Wire = 'direct' | 'delayed';
export const WIRES: ReadonlyArray<Wire> = ['direct', 'delayed'];

export const E2E_TARGET = 1.25;

export interface E2eResults {
  readonly date: string;
  readonly machine: { node: string; cpus: number; cpuModel: string; os: string };
  readonly serverVersion: string;
  /** `psql --version`. */
  readonly psqlVersion: string;
  readonly statementStats: boolean;
  readonly priority: string;
  readonly options: { files: number; runs: number; seed: number; delayMs: number; startupRuns: number };
  readonly corpus: { files: number; statements: number; loopQueries: number; smallFiles: number; largestFile: number };
  /** Median wall time of each command, as a process. */
  readonly startup: { node: number; version: number; lintOne: number; lintAll: number; psqlVersion: number };
  /** Median `SELECT 1` on an open connection. */
  readonly roundTripMs: Record<Wire, number>;
  readonly times: Record<Wire, Record<Variant, number[]>>;
  /** Server-side statements (pg_stat_statements calls) and commits of each run. */
  readonly queries: Record<Wire, Record<Variant, number[]>>;
  readonly commits: Record<Wire, Record<Variant, number[]>>;
  readonly pressure: number[];
  readonly durationMs: number;
}

const LABEL: Record<Variant, string> = { cli: '`dsql-migrations apply`', psql: '`psql -f` per file', loop: 'bare pg loop' };

/** Median over rounds of a / b measured in the same round: cancels the load that drifts between rounds. */
export function pairedRatio(r: E2eResults, wire: Wire, a: Variant, b: Variant): number {
  return median(r.times[wire][a].map((t, i) => t / r.times[wire][b][i]));
}

function wireLabel(r: E2eResults, wire: Wire): string {
  return wire === 'direct' ? 'loopback' : `+${r.options.delayMs} ms each way (relay)`;
}

function med(r: E2eResults, wire: Wire, v: Variant): number {
  return median(r.times[wire][v]);
}

function queries(r: E2eResults, wire: Wire, v: Variant): number {
  return median(r.queries[wire][v]);
}

/** Where the CLI's time over the bare loop goes, from parts measured in the same run. */
export function cliOverLoop(r: E2eResults, wire: Wire): string {
  const extraQueries = queries(r, wire, 'cli') - queries(r, wire, 'loop');
  const extraCommits = median(r.commits[wire].cli) - median(r.commits[wire].loop);
  const priced = extraQueries * r.roundTripMs[wire];
  const over = med(r, wire, 'cli') - med(r, wire, 'loop');
  return `+${ms(over)} (${ms(over / r.corpus.files)} per file): start-up and lint of the folder before connecting ${ms(r.startup.lintAll)} ` +
    `(\`lint\` of the folder as a process); ${int(extraQueries)} more queries (${(extraQueries / r.corpus.files).toFixed(1)} per file, the engine's ` +
    `bookkeeping), ${ms(priced)} at the measured round trip of ${ms(r.roundTripMs[wire])}; ${int(extraCommits)} more commits, each a WAL flush; ` +
    'the rest is the engine\'s client work and the load\'s noise';
}

/**
 * What psql pays per file over the loop (a process, a connection, a backend), and how much it may
 * cost at least for the CLI to stay within the target: the load inflates process start-up, so the
 * verdict is given with the per-file cost it rests on.
 */
export function psqlPerFile(r: E2eResults, wire: Wire): { measured: number; breakEven: number } {
  const loop = med(r, wire, 'loop');
  return {
    measured: (med(r, wire, 'psql') - loop) / r.corpus.files,
    breakEven: (med(r, wire, 'cli') / E2E_TARGET - loop) / r.corpus.files,
  };
}

type Row = Omit<ReportRow, 'id'>;

function applyRows(r: E2eResults, wire: Wire): Row[] {
  const c = r.corpus;
  const what = `Apply ${int(c.files)} files, ${int(c.statements)} statements, ${wireLabel(r, wire)}`;
  const cell = (v: Variant) => `${LABEL[v]} ${ms(med(r, wire, v))} (${int(queries(r, wire, v))} queries)`;
  const ratios = (a: Variant, b: Variant) => `${ratio(med(r, wire, a) / med(r, wire, b))} (paired ${ratio(pairedRatio(r, wire, a, b))})`;
  const paired = pairedRatio(r, wire, 'cli', 'psql');
  const met = paired <= E2E_TARGET;
  return [
    {
      measure: `${what}: CLI vs psql`,
      ours: cell('cli'),
      reference: cell('psql'),
      ratio: ratios('cli', 'psql'),
      target: `≤ ${ratio(E2E_TARGET)} psql per file`,
      result: `${met ? 'met' : '**not met**'}: paired ${ratio(paired)}. ${met ? 'It holds' : 'It would hold'} while psql's process and connection cost ` +
        `at least ${ms(psqlPerFile(r, wire).breakEven)} per file; here they cost ${ms(psqlPerFile(r, wire).measured)}.` +
        `${met ? '' : ' Cause: the CLI\'s time over the bare loop (next row) against psql\'s per-file cost.'}`,
    },
    { measure: `${what}: CLI vs bare loop`, ours: cell('cli'), reference: cell('loop'), ratio: ratios('cli', 'loop'), target: 'report', result: `reported: ${cliOverLoop(r, wire)}` },
    { measure: `${what}: bare loop vs psql`, ours: cell('loop'), reference: cell('psql'), ratio: ratios('loop', 'psql'), target: 'report', result: 'reported' },
  ];
}

function startupRows(r: E2eResults): Row[] {
  const s = r.startup;
  const node = `\`node -e 0\` ${ms(s.node)}`;
  const row = (measure: string, value: number): Row => ({
    measure, ours: `${ms(value)} (+${ms(value - s.node)} over Node.js)`, reference: node, ratio: ratio(value / s.node), target: 'report', result: 'reported',
  });
  return [
    row('CLI start-up: `dsql-migrations --version`', s.version),
    row('CLI start-up: `dsql-migrations lint` of a folder of one file', s.lintOne),
    row('CLI: `dsql-migrations lint` of the whole corpus (what `apply` does before it connects)', s.lintAll),
  ];
}

export function e2eTable(r: E2eResults): string {
  const rows = [...WIRES.flatMap((w) => applyRows(r, w)), ...startupRows(r)];
  return [
    '| Measurement | Ours | Reference | Ratio | Target | Result |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((x) => `| ${x.measure} | ${x.ours} | ${x.reference} | ${x.ratio} | ${x.target} | ${x.result} |`),
  ].join('\n');
}

function runsTable(r: E2eResults): string {
  const lines = ['| Wire | Variant | Wall, median | Wall, runs (ms) | Queries (server) | Commits (server) |', '| --- | --- | --- | --- | --- | --- |'];
  for (const w of WIRES) {
    for (const v of VARIANTS) {
      lines.push(`| ${wireLabel(r, w)} | ${LABEL[v]} | ${ms(med(r, w, v))} | ${r.times[w][v].map((t) => t.toFixed(0)).join(', ')} | ` +
        `${r.statementStats ? int(queries(r, w, v)) : 'n/a'} | ${int(median(r.commits[w][v]))} |`);
    }
  }
  return lines.join('\n');
}

export function renderE2eDocument(r: E2eResults): string {
  const c = r.corpus;
  const o = r.options;
  return `# End-to-end benchmarks

Generated by \`npx projen bench:e2e\` (bench/e2e.ts); do not edit by hand. The in-process benchmarks are in
[benchmarks.md](benchmarks.md). Speed is never asserted in tests.

The machine is shared with other sessions that load its CPUs while this runs: absolute times scatter,
so each result is judged on the **paired ratio** (median over rounds of the two variants' times in the
same round), with the ratio of medians beside it.

## Results

${e2eTable(r)}

psql starts a process and opens a connection for every file, the CLI once for the whole set; the CLI
sends more queries (its bookkeeping). Which costs more depends on how expensive a process and a
connection are: under this machine's load they are far dearer than on an idle one, which favours the
CLI. The break-even per-file cost in the Result column says how far that can move before the target
is missed at this run's CLI and loop times. On an idle machine a psql process and connection may well
cost less (\`psql --version\` alone took ${ms(r.startup.psqlVersion)} here), but the CLI and the loop get faster too,
so only a run there settles it; if it is missed, the cause is the CLI's time over the bare loop, whose
parts the CLI vs bare loop rows give.

## Method

- Corpus: bench/real-shaped-corpus.ts, seed ${o.seed}: ${int(c.files)} files, ${int(c.statements)} statements
  (BEGIN and COMMIT of blocks included), ${int(c.smallFiles)} files of 1 to 5 statements, the largest ${c.largestFile}. Shaped like
  Prisma and diesel sets: a large first schema, then mostly one small change per file; enums, tables with
  foreign keys and unique indexes, added columns with their default, SQL functions and views, seed rows
  (Prisma's in BEGIN/COMMIT). The files are valid for DSQL, so \`apply\` runs with its lint on as users run it:
  an enum is a \`CREATE DOMAIN ... CHECK (VALUE IN (...))\` (DSQL refuses \`CREATE TYPE ... AS ENUM\`),
  functions are \`LANGUAGE SQL\`, indexes say \`ASYNC\`. psql and the loop get the same files translated
  for PostgreSQL as the engine translates them (\`ASYNC\` dropped), written before the clock starts.
- ${LABEL.cli}: \`node assets/cli/index.js apply -q --dir <folder>\` as a process, start-up, lint and
  connection included, non-strict.
- ${LABEL.psql}: \`psql -X -q -v ON_ERROR_STOP=1 -f <file>\` (${r.psqlVersion}: the binary itself, not
  Debian's Perl wrapper), one process per file in version order, as a shell loop over the folder would run it.
- ${LABEL.loop}: one pg \`Client\` in the bench process sending each translated statement, nothing else.
- Every run gets a fresh database of the embedded PostgreSQL (${r.serverVersion.split(',')[0]}), created and
  dropped outside the timed part; the target is given through libpq's PG* variables to psql and the CLI
  alike. ${o.runs} rounds; in each the wires and the variants run in rotating order, after one untimed
  warm-up run of each on 20 files.
- Delayed wire: bench/relay.ts, a TCP relay on loopback in its own process that holds every chunk
  ${o.delayMs} ms before forwarding it, in each direction. Measured round trip (\`SELECT 1\` on an open
  connection, median of 200): ${ms(r.roundTripMs.direct)} direct, ${ms(r.roundTripMs.delayed)} through the relay (more than
  ${2 * o.delayMs} ms added: a Node.js timer fires no earlier than its delay, later on a loaded machine).
- Start-up: median of ${o.startupRuns} rotating runs of each command as a process; \`psql --version\` took
  ${ms(r.startup.psqlVersion)}.
- Server-side counts are deltas of \`pg_stat_statements\` calls and \`pg_stat_database.xact_commit\` for the
  run's database. They count statements, not round trips: on PostgreSQL the CLI sends each DML transaction
  with its bookkeeping as one message, which the server counts statement by statement (the round trips are
  counted in benchmarks.md, row 2), so "more queries" below overstates the CLI's round trips.

## Runs

${runsTable(r)}

## Machine and run

- Date: ${r.date}
- Node.js ${r.machine.node}, ${r.machine.cpus} CPUs (${r.machine.cpuModel}), ${r.machine.os}
- Scheduling: ${r.priority}.
- CPU pressure from all processes when each round started (Linux PSI, some avg10): ${r.pressure.map((p) => `${p}%`).join(', ')}
- bench/e2e.ts took ${ms(r.durationMs)}, plus the bundle step of \`npx projen bench:e2e\``;
}
