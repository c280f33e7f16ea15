/**
 * Measurement 3: a run with every file applied, at 10, 1,000 and 10,000 applied migrations.
 * Each set is applied once by the engine itself (tiny files: one idempotent COMMENT each), so the
 * records are exactly what a real deploy leaves; then no-op runs are timed against the reference:
 * a fresh connection that reads the applied versions once (`SELECT * FROM schema_migrations`).
 */
import { Client } from 'pg';
import { tinyMigrations } from './corpus';
import { BenchServer } from './server';
import { median, rotated, timeMs } from './stats';
import { postgresConnector } from '../connectors';
import { applyMigrationSet, compareVersions, DatabaseState, Migration, parseMigrations, readState } from '../src/engine';
import { selectWorkFromState } from '../src/engine/selection';
import { instrumentedConnector, QueryLog } from '../test/support/sessions';

export interface NoopCase {
  readonly applied: number;
  /** Time the engine took to apply the set the first time (how the records were made). */
  readonly setupMs: number;
  /** Queries of one no-op run: client-side (instrumented connector) and server-side (pg_stat_statements). */
  readonly clientQueries: number;
  readonly serverQueries: number;
  readonly queryKinds: string[];
  readonly engineMs: number;
  readonly readOnceMs: number;
  /** In-process parts of a no-op run on the same data, median: */
  /** `SELECT * FROM schema_migrations` on an open connection (the reference without connecting). */
  readonly bareQueryMs: number;
  /** The engine's readState: records and ledger, each record row turned into a Map entry. */
  readonly readStateMs: number;
  /** The run's decision of what to apply (selectWorkFromState: a record lookup per file when nothing is to do). */
  readonly decideMs: number;
  readonly sortVersionsMs: number;
  /** The least a no-op needs in JavaScript: each file's record looked up and its checksum compared. */
  readonly pendingScanMs: number;
}

/** Files with no record or a changed checksum: what a run must act on, without building statuses. */
function pendingFiles(migrations: ReadonlyArray<Migration>, state: DatabaseState): Migration[] {
  const pending: Migration[] = [];
  for (const m of migrations) {
    const record = state.records.get(m.version);
    if (!record || (record.checksum !== null && record.checksum !== m.checksum)) pending.push(m);
  }
  return pending;
}

export async function measureNoop(
  server: BenchServer, sizes: ReadonlyArray<number>, runs: number, progress: (line: string) => void,
): Promise<NoopCase[]> {
  const cases: NoopCase[] = [];
  for (const size of sizes) {
    const migrations = parseMigrations(tinyMigrations(size));
    const db = await server.freshDatabase(`bench_noop_${size}`);
    try {
      const setupMs = await timeMs(() => applyMigrationSet(postgresConnector(db.url), migrations, { dialect: 'postgresql' }));

      const log: QueryLog = { queries: [] };
      const result = await applyMigrationSet(instrumentedConnector(db.url, {}, log), migrations, { dialect: 'postgresql' });
      if (result.applied.length !== 0 || result.appliedCount !== size) throw new Error(`no-op run at ${size} was not a no-op`);
      const queries = log.queries.filter((q) => !q.includes('pg_backend_pid'));

      const before = await server.counters(db.name);
      await applyMigrationSet(postgresConnector(db.url), migrations, { dialect: 'postgresql' });
      const after = await server.counters(db.name);

      const engine: number[] = [];
      const readOnce: number[] = [];
      for (let round = 0; round < runs; round++) {
        for (const variant of rotated(['engine', 'read-once'], round)) {
          if (variant === 'engine') engine.push(await timeMs(() => applyMigrationSet(postgresConnector(db.url), migrations, { dialect: 'postgresql' })));
          else readOnce.push(await timeMs(() => readAppliedOnce(db.url)));
        }
      }
      const parts = await timeParts(db.url, migrations, runs);
      cases.push({
        applied: size,
        setupMs,
        clientQueries: queries.length,
        serverQueries: after.statements - before.statements,
        queryKinds: queries.map(describeQuery),
        engineMs: median(engine),
        readOnceMs: median(readOnce),
        ...parts,
      });
      progress(`  no-op at ${size} applied: engine ${median(engine).toFixed(1)} ms, read once ${median(readOnce).toFixed(1)} ms`);
    } finally {
      await server.dropDatabase(db.name);
    }
  }
  return cases;
}

/** The reference: what any runner must do at least, read the applied versions once. */
async function readAppliedOnce(url: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT * FROM schema_migrations');
  } finally {
    await client.end();
  }
}

/** The parts of a no-op run, timed one by one in-process on the same data. */
async function timeParts(url: string, migrations: ReadonlyArray<Migration>, runs: number) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const bareTimes: number[] = [];
    const readTimes: number[] = [];
    const statusTimes: number[] = [];
    const sortTimes: number[] = [];
    const scanTimes: number[] = [];
    for (let i = 0; i < runs; i++) {
      bareTimes.push(await timeMs(() => client.query('SELECT * FROM schema_migrations')));
      let state: Awaited<ReturnType<typeof readState>> | undefined;
      readTimes.push(await timeMs(async () => { state = await readState(client); }));
      statusTimes.push(await timeMs(async () => selectWorkFromState(migrations, state!)));
      // What the runner's result does once more: the recorded versions, numeric ones, in order.
      sortTimes.push(await timeMs(async () => [...state!.records.keys()].filter((v) => /^\d+$/.test(v)).sort(compareVersions)));
      scanTimes.push(await timeMs(async () => pendingFiles(migrations, state!)));
    }
    return {
      bareQueryMs: median(bareTimes),
      readStateMs: median(readTimes),
      decideMs: median(statusTimes),
      sortVersionsMs: median(sortTimes),
      pendingScanMs: median(scanTimes),
    };
  } finally {
    await client.end();
  }
}

function describeQuery(text: string): string {
  if (text.includes('pg_catalog.pg_attribute')) return 'catalog check of the runner tables';
  if (/FROM schema_migrations_progress/.test(text)) return 'read ledger';
  if (/FROM schema_migrations\b/.test(text)) return 'read records';
  return text.replace(/\s+/g, ' ').slice(0, 60);
}
