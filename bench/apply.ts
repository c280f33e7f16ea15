/**
 * Measurements 1 and 2: applying the corpus with the engine against the floor (the same statements
 * sent one by one by a bare pg client), and the engine's round trips per file, client- and server-side.
 */
import { Client } from 'pg';
import { BenchServer, ServerCounters } from './server';
import { cpuPressure, median, rotated, timeMs } from './stats';
import { measureUnitCosts, UnitCosts } from './unit-costs';
import { postgresConnector } from '../connectors';
import { applyMigrationSet, ensureTables, isIdempotentStatement, Migration, recordStatement, RunnerEvent, translateForPostgres } from '../src/engine';
import { instrumentedConnector, QueryLog } from '../test/support/sessions';

/**
 * - floor: the statements sent one by one by a bare pg client, nothing else;
 * - budget: the floor plus what the round-trip target allows: the runner's tables and one record per file;
 * - engine / strict: `applyMigrationSet`, without and with the DSQL-strict session.
 */
export type ApplyVariant = 'floor' | 'budget' | 'engine' | 'strict';

export interface ApplyMeasurement {
  readonly files: number;
  /** Statements in the files, BEGIN and COMMIT of blocks included (what the splitter yields). */
  readonly statements: number;
  /** What the floor sends: the statements, translated for PostgreSQL, minus those with no meaning there. */
  readonly floorQueries: number;
  readonly runs: Record<ApplyVariant, number[]>;
  readonly medianMs: Record<ApplyVariant, number>;
  /** Server-side counters of each timed run (pg_stat_statements calls, xact_commit). */
  readonly server: Record<ApplyVariant, ServerCounters[]>;
  /** CPU of each timed run: this process (client) and the server's process tree (NaN when unknown). */
  readonly cpu: Record<ApplyVariant, Array<{ client: number; server: number }>>;
  /** CPU pressure (PSI some avg10, %) when each round started: how busy the shared machine was. */
  readonly pressure: number[];
  /** The engine as timed (PostgreSQL: each DML transaction with its note in one message). */
  readonly roundTrips: RoundTrips;
  /** The same run statement by statement (`oneMessageTransactions: false`, DSQL's default). */
  readonly roundTripsStepwise: RoundTrips;
  /** Round trip and commit prices measured on the same server just before the timed rounds. */
  readonly units: UnitCosts;
}

/** The statements the floor sends, in order: every statement of every file, as the engine translates it. */
export function floorStatements(migrations: ReadonlyArray<Migration>): string[] {
  const out: string[] = [];
  for (const m of migrations) {
    for (const s of m.statements) {
      const text = translateForPostgres(s.text);
      if (text !== undefined) out.push(text);
    }
  }
  return out;
}

/** The floor: one connection, each statement sent as it is, nothing else. */
async function floorApply(url: string, statements: ReadonlyArray<string>): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    for (const text of statements) await client.query(text);
  } finally {
    await client.end();
  }
}

/** The round-trip budget of the target, sent by a bare client: the floor plus one record per file. */
async function budgetApply(url: string, migrations: ReadonlyArray<Migration>): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await ensureTables(client);
    for (const m of migrations) {
      for (const s of m.statements) {
        const text = translateForPostgres(s.text);
        if (text !== undefined) await client.query(text);
      }
      const record = recordStatement(m.version, m.name, m.checksum, 'migration', 'bench-budget');
      await client.query(record.text, record.params);
    }
  } finally {
    await client.end();
  }
}

async function engineApply(url: string, migrations: ReadonlyArray<Migration>, strict: boolean): Promise<void> {
  const result = await applyMigrationSet(postgresConnector(url), migrations, { dialect: 'postgresql', strict });
  if (result.applied.length !== migrations.length) throw new Error(`engine applied ${result.applied.length} of ${migrations.length} files`);
}

export async function measureApply(
  server: BenchServer, migrations: ReadonlyArray<Migration>, runs: number, progress: (line: string) => void,
): Promise<ApplyMeasurement> {
  const variants: ApplyVariant[] = ['floor', 'budget', 'engine', 'strict'];
  const times: Record<ApplyVariant, number[]> = { floor: [], budget: [], engine: [], strict: [] };
  const counters: Record<ApplyVariant, ServerCounters[]> = { floor: [], budget: [], engine: [], strict: [] };
  const cpu: Record<ApplyVariant, Array<{ client: number; server: number }>> = { floor: [], budget: [], engine: [], strict: [] };
  const runnersFor = (set: ReadonlyArray<Migration>): Record<ApplyVariant, (url: string) => Promise<void>> => {
    const setStatements = floorStatements(set); // translated before the clock starts
    return {
      floor: (url) => floorApply(url, setStatements),
      budget: (url) => budgetApply(url, set),
      engine: (url) => engineApply(url, set, false),
      strict: (url) => engineApply(url, set, true),
    };
  };
  const run = runnersFor(migrations);
  // One untimed round on the first files, so that no variant pays for compiling its code paths.
  const warmupRun = runnersFor(migrations.slice(0, Math.min(20, migrations.length)));
  for (const variant of variants) {
    const db = await server.freshDatabase(`bench_warmup_${variant}`);
    await warmupRun[variant](db.url);
    await server.dropDatabase(db.name);
  }
  const units = await measureUnitCosts(server, 10, 100, migrations);
  const pressure: number[] = [];
  for (let round = 0; round < runs; round++) {
    pressure.push(cpuPressure());
    for (const variant of rotated(variants, round)) {
      // A fresh database for every run, created and dropped outside the timed part.
      const db = await server.freshDatabase(`bench_${variant}`);
      const before = await server.counters(db.name);
      const serverCpuBefore = server.cpuMs();
      const clientCpuBefore = process.cpuUsage();
      const elapsed = await timeMs(() => run[variant](db.url));
      const clientCpu = process.cpuUsage(clientCpuBefore);
      const serverCpuAfter = server.cpuMs();
      const after = await server.counters(db.name);
      times[variant].push(elapsed);
      cpu[variant].push({
        client: (clientCpu.user + clientCpu.system) / 1000,
        server: serverCpuBefore === undefined || serverCpuAfter === undefined ? NaN : serverCpuAfter - serverCpuBefore,
      });
      counters[variant].push({ statements: after.statements - before.statements, commits: after.commits - before.commits });
      await server.dropDatabase(db.name);
      progress(`  apply run ${round + 1}/${runs} ${variant}: ${elapsed.toFixed(0)} ms`);
    }
  }
  const countIn = async (oneMessageTransactions: boolean) => {
    const db = await server.freshDatabase('bench_roundtrips');
    try {
      return await countRoundTrips(db.url, migrations, oneMessageTransactions);
    } finally {
      await server.dropDatabase(db.name);
    }
  };
  const roundTrips = await countIn(true);
  const roundTripsStepwise = await countIn(false);
  return {
    files: migrations.length,
    statements: migrations.reduce((n, m) => n + m.statements.length, 0),
    floorQueries: floorStatements(migrations).length,
    runs: times,
    medianMs: { floor: median(times.floor), budget: median(times.budget), engine: median(times.engine), strict: median(times.strict) },
    server: counters,
    cpu,
    pressure,
    roundTrips,
    roundTripsStepwise,
    units,
  };
}

/** Why the engine sends a query beyond the file's own statements. */
export type ExcessCause =
  /** The file's record (with its history row): the "+1 per file" the target allows. */
  | 'record'
  /** A ledger row written before a DDL statement that cannot be repeated (no IF NOT EXISTS). */
  | 'ledger-intent'
  /** BEGIN and COMMIT the engine puts around a DML statement written outside a block. */
  | 'dml-transaction'
  /** A ledger row moved inside a DML transaction that does not record the file. */
  | 'ledger-progress'
  /** A transaction of bookkeeping only (no statement of the file), or a ledger write beside a record. */
  | 'ledger-cleanup'
  /** A DSQL async job id kept in the jobs table (only on DSQL: PostgreSQL starts no jobs). */
  | 'async-job'
  /** A query of its own that checks the lease inside a file's transaction. */
  | 'lease-confirm'
  /**
   * Statements sent in one message with their transaction's note (src/engine/one-message.ts): minus
   * the round trips saved, the statements of each message but one (its note counts as record or ledger-progress).
   */
  | 'one-message';

export interface FileRoundTrips {
  readonly version: string;
  readonly floor: number;
  readonly engine: number;
}

export interface RoundTrips {
  /** Queries the engine sent, client-side, without the instrumentation's own pg_backend_pid query. */
  readonly total: number;
  readonly perFile: FileRoundTrips[];
  /** Queries outside any file (catalog check, state, lock): the per-run constant, by kind. */
  readonly constant: Record<string, number>;
  readonly excess: Record<ExcessCause, number>;
  /** Records written inside a file's last DML transaction (the rest commit on their own). */
  readonly recordsInTransaction: number;
  /** Runs of two or more consecutive DML statements written outside a block (could share a transaction). */
  readonly consecutiveDml: { runs: number; statements: number };
  /** DDL statements the engine does not consider repeatable (each gets a ledger intent). */
  readonly nonIdempotentDdl: number;
}

type QueryKind = 'message' | 'statement' | 'begin' | 'commit' | 'ledger-write' | 'record' | 'job' | 'confirm' | 'lock' | 'state' | 'instrumentation';

/** How one-message.ts joins a transaction's statements, its note and the note's check. */
const MESSAGE_SEPARATOR = '\n;\n';

function kindOf(text: string, statementTexts: ReadonlySet<string>): QueryKind {
  if (statementTexts.has(text)) return 'statement';
  if (text.includes(MESSAGE_SEPARATOR)) return 'message';
  if (/^BEGIN$/i.test(text)) return 'begin';
  if (/^COMMIT$/i.test(text)) return 'commit';
  // The runner's tables are named with their schema.
  if (/^(INSERT INTO|UPDATE|DELETE FROM) (public\.)?schema_migrations_progress\b/.test(text)) return 'ledger-write';
  if (/^WITH (lease AS [\s\S]*)?history AS/.test(text)) return 'record';
  if (/^INSERT INTO (public\.)?schema_migrations_jobs\b/.test(text)) return 'job';
  if (/^SELECT (owner FROM (public\.)?schema_migrations_lock WHERE id = \$1 AND owner = \$2|1 AS held WHERE EXISTS)/.test(text)) return 'confirm';
  if (text.includes('schema_migrations_lock')) return 'lock';
  if (text.includes('pg_backend_pid')) return 'instrumentation';
  return 'state';
}

/** One instrumented run: every query the engine sends, attributed to a file or to the run. */
async function countRoundTrips(url: string, migrations: ReadonlyArray<Migration>, oneMessageTransactions: boolean): Promise<RoundTrips> {
  const log: QueryLog = { queries: [] };
  const boundaries: number[] = [];
  const onEvent = (e: RunnerEvent) => {
    if (e.event === 'migration-applied') boundaries.push(log.queries.length);
  };
  await applyMigrationSet(instrumentedConnector(url, {}, log), migrations, { dialect: 'postgresql', oneMessageTransactions, log: onEvent });
  if (boundaries.length !== migrations.length) throw new Error(`instrumented run applied ${boundaries.length} of ${migrations.length} files`);

  const statementTexts = new Set(floorStatements(migrations).filter((t) => !/^(BEGIN|COMMIT)$/i.test(t)));
  const excess: Record<ExcessCause, number> = { 'record': 0, 'ledger-intent': 0, 'dml-transaction': 0, 'ledger-progress': 0, 'ledger-cleanup': 0, 'async-job': 0, 'lease-confirm': 0, 'one-message': 0 };
  const constant: Record<string, number> = {};
  const perFile: FileRoundTrips[] = [];
  let recordsInTransaction = 0;
  let total = 0;
  let from = 0;
  migrations.forEach((migration, f) => {
    const to = boundaries[f];
    // Which unit each of the file's sent statements belongs to, in sending order.
    const explicitByPosition = migration.units.flatMap(
      (u) => u.statements.filter((s) => translateForPostgres(s.text) !== undefined).map(() => u.explicit),
    );
    const floor = migration.statements.filter((s) => translateForPostgres(s.text) !== undefined).length;
    let engine = 0;
    let position = 0;
    // The transaction being read: its queries' kinds and whether it is a block the author wrote.
    let tx: { kinds: QueryKind[]; explicit: boolean } | undefined;
    const closeTransaction = (t: { kinds: QueryKind[]; explicit: boolean }) => {
      const hasStatement = t.kinds.includes('statement');
      const hasRecord = t.kinds.includes('record');
      const ledgerWrites = t.kinds.filter((k) => k === 'ledger-write').length;
      if (hasRecord) {
        excess.record++;
        recordsInTransaction++;
      }
      if (!hasStatement) {
        excess['ledger-cleanup'] += 2 + ledgerWrites; // BEGIN, COMMIT and the ledger write
      } else {
        if (!t.explicit) excess['dml-transaction'] += 2;
        if (hasRecord) excess['ledger-cleanup'] += ledgerWrites;
        else excess['ledger-progress'] += ledgerWrites;
      }
    };
    for (let q = from; q < to; q++) {
      const kind = kindOf(log.queries[q], statementTexts);
      if (kind === 'lock' || kind === 'state' || kind === 'instrumentation') {
        if (kind !== 'instrumentation') constant[kind] = (constant[kind] ?? 0) + 1;
        continue;
      }
      engine++;
      if (kind === 'message') {
        // The transaction's statements, its note (record or ledger move), and the note's check.
        const parts = log.queries[q].split(MESSAGE_SEPARATOR);
        const sentStatements = parts.length - 2;
        const note = kindOf(parts[sentStatements], statementTexts);
        if (note === 'record') {
          excess.record++;
          recordsInTransaction++;
        } else {
          excess['ledger-progress']++;
        }
        excess['one-message'] -= sentStatements;
        position += sentStatements;
        continue;
      }
      if (kind === 'job') {
        excess['async-job']++;
      } else if (kind === 'confirm') {
        excess['lease-confirm']++;
      } else if (kind === 'begin') {
        tx = { kinds: [], explicit: false };
      } else if (kind === 'commit') {
        if (tx) closeTransaction(tx);
        tx = undefined;
      } else if (tx) {
        if (kind === 'statement' && explicitByPosition[position]) tx.explicit = true;
        tx.kinds.push(kind);
      } else if (kind === 'record') {
        excess.record++;
      } else if (kind === 'ledger-write') {
        excess['ledger-intent']++;
      }
      if (kind === 'statement') position++;
    }
    perFile.push({ version: migration.version, floor, engine });
    total += engine;
    from = to;
  });
  // After the last file: the run's own work (release the lock, read the final state). The preamble
  // before the first file was counted in the first file's window above.
  for (const q of log.queries.slice(from)) {
    const kind = kindOf(q, statementTexts);
    if (kind === 'instrumentation') continue;
    constant[kind] = (constant[kind] ?? 0) + 1;
  }
  for (const kind of Object.keys(constant)) total += constant[kind];

  let consecutiveRuns = 0;
  let consecutiveStatements = 0;
  let nonIdempotentDdl = 0;
  for (const m of migrations) {
    let run = 0;
    const flush = () => {
      if (run >= 2) {
        consecutiveRuns++;
        consecutiveStatements += run;
      }
      run = 0;
    };
    for (const u of m.units) {
      if (!u.explicit && u.dmlOnly) run++;
      else flush();
    }
    flush();
  }
  for (const m of migrations) {
    for (const u of m.units) if (!u.explicit && u.statements[0].kind === 'ddl' && !isIdempotentStatement(u.statements[0].text)) nonIdempotentDdl++;
  }
  const consecutiveDml = { runs: consecutiveRuns, statements: consecutiveStatements };
  return { total, perFile, constant, excess, recordsInTransaction, consecutiveDml, nonIdempotentDdl };
}
