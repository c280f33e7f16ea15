/**
 * What one round trip and one committed write cost on this server, from many small repetitions
 * (robust where whole-corpus runs scatter): the unit prices that explain the apply figures.
 */
import { Client } from 'pg';
import { BenchServer } from './server';
import { median, rotated, timeMs } from './stats';
import { ensureTables, Migration, recordStatement } from '../src/engine';

export interface UnitCosts {
  /** `SELECT 1`: a round trip that commits nothing. */
  readonly roundTripMs: number;
  /** `UPDATE` of one row by key with parameters inside an open transaction: a bookkeeping write without its commit. */
  readonly paramWriteMs: number;
  /** `INSERT` of one row with parameters in autocommit: a bookkeeping write plus a commit that flushes WAL. */
  readonly writeCommitMs: number;
  /** `BEGIN`, `INSERT`, `COMMIT` as three queries: what wrapping one write in a transaction costs. */
  readonly wrappedWriteMs: number;
  /** The engine's record statement (record, history row, ledger clean-up) in autocommit. */
  readonly recordMs: number;
  /** Creating the runner's tables on an empty database (`ensureTables`), median of three databases. */
  readonly runnerTablesMs: number;
}

export async function measureUnitCosts(
  server: BenchServer, batches: number, perBatch: number, migrations: ReadonlyArray<Migration>,
): Promise<UnitCosts> {
  const tableTimes: number[] = [];
  for (let i = 0; i < 3; i++) {
    const empty = await server.freshDatabase('bench_units_tables');
    const session = new Client({ connectionString: empty.url });
    await session.connect();
    tableTimes.push(await timeMs(() => ensureTables(session)));
    await session.end();
    await server.dropDatabase(empty.name);
  }
  const db = await server.freshDatabase('bench_units');
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    await ensureTables(client);
    await client.query('CREATE TABLE unit_cost (id BIGINT PRIMARY KEY, note TEXT)');
    let id = 0;
    await client.query('INSERT INTO unit_cost (id, note) VALUES (0, $1)', ['x']);
    const kinds = ['round-trip', 'param-write', 'write-commit', 'wrapped-write', 'record'] as const;
    const perOp: Record<(typeof kinds)[number], number[]> = { 'round-trip': [], 'param-write': [], 'write-commit': [], 'wrapped-write': [], 'record': [] };
    const template = migrations[0];
    let recorded = 0;
    const ops: Record<(typeof kinds)[number], () => Promise<unknown>> = {
      'round-trip': () => client.query('SELECT 1'),
      'param-write': () => client.query('UPDATE unit_cost SET note = $2 WHERE id = $1', [0, `n${id}`]),
      'write-commit': () => client.query('INSERT INTO unit_cost (id, note) VALUES ($1, $2)', [++id, 'x']),
      'wrapped-write': async () => {
        await client.query('BEGIN');
        await client.query('INSERT INTO unit_cost (id, note) VALUES ($1, $2)', [++id, 'x']);
        await client.query('COMMIT');
      },
      'record': () => {
        const record = recordStatement(String(++recorded).padStart(6, '0'), template.name, template.checksum, 'migration', 'bench-units');
        return client.query(record.text, record.params);
      },
    };
    for (let b = 0; b < batches + 1; b++) {
      for (const kind of rotated(kinds, b)) {
        // Parameterised updates run inside one transaction, as the ledger writes do.
        if (kind === 'param-write') await client.query('BEGIN');
        const elapsed = await timeMs(async () => {
          for (let i = 0; i < perBatch; i++) await ops[kind]();
        });
        if (kind === 'param-write') await client.query('COMMIT');
        if (b > 0) perOp[kind].push(elapsed / perBatch); // batch 0 warms up
      }
    }
    return {
      roundTripMs: median(perOp['round-trip']),
      paramWriteMs: median(perOp['param-write']),
      writeCommitMs: median(perOp['write-commit']),
      wrappedWriteMs: median(perOp['wrapped-write']),
      recordMs: median(perOp.record),
      runnerTablesMs: median(tableTimes),
    };
  } finally {
    await client.end();
    await server.dropDatabase(db.name);
  }
}
