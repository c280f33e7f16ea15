import { Client } from 'pg';
import { ConnectFn, SqlSession } from '../../src/engine/runner';

/** Counts every query the runner sends, over all of a run's connections. */
export interface QueryLog {
  readonly queries: string[];
}

export interface FaultPlan {
  /** After this query (1-based, over all connections) completes, terminate the session's backend. */
  readonly killAfter?: number;
  /** Answer these queries (1-based) with an injected error instead of sending them. */
  readonly inject?: ReadonlyMap<number, { code: string; message: string }>;
}

/**
 * A PostgreSQL connector that records the runner's queries and injects real faults: a backend
 * terminated with pg_terminate_backend from another connection, or an error instead of a query.
 */
export function instrumentedConnector(url: string, plan: FaultPlan = {}, log: QueryLog = { queries: [] }): ConnectFn {
  return async () => {
    const client = new Client({ connectionString: url });
    await client.connect();
    const pid = (await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
    client.on('error', () => undefined); // the terminated backend's socket error surfaces on the next query
    const session: SqlSession = {
      async query(text, params) {
        const n = log.queries.length + 1;
        log.queries.push(text);
        const injected = plan.inject?.get(n);
        if (injected) throw Object.assign(new Error(injected.message), { code: injected.code });
        const result = await client.query(text, params as unknown[]);
        if (plan.killAfter === n) await terminate(url, pid);
        return result;
      },
      end: () => client.end(),
    };
    return session;
  };
}

async function terminate(url: string, pid: number): Promise<void> {
  const admin = new Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
  } finally {
    await admin.end();
  }
}

/** Everything a migration run can change: schema, rows of the example tables and the runner's tables. */
export async function snapshot(url: string): Promise<Record<string, unknown>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const q = async (sql: string) => (await client.query(sql)).rows;
    const tables = (await q("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")).map((r) => r.tablename as string);
    const data: Record<string, unknown> = {};
    for (const t of tables.filter((name) => !name.startsWith('schema_migrations'))) data[t] = await q(`SELECT * FROM ${t} ORDER BY 1`);
    for (const rows of Object.values(data) as Array<Array<Record<string, unknown>>>) {
      for (const row of rows) for (const key of Object.keys(row)) if (row[key] instanceof Date) row[key] = '<timestamp>';
    }
    return {
      columns: await q("SELECT table_name, column_name, data_type, column_default FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2"),
      indexes: await q("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1"),
      views: await q("SELECT viewname FROM pg_views WHERE schemaname = 'public' ORDER BY 1"),
      data,
      migrations: await q('SELECT version, name, checksum, kind FROM schema_migrations ORDER BY version'),
      history: await q('SELECT version, count(*)::int AS n FROM schema_migrations_history GROUP BY version ORDER BY version'),
      progress: await q('SELECT * FROM schema_migrations_progress'),
      lock: await q('SELECT * FROM schema_migrations_lock'),
    };
  } finally {
    await client.end();
  }
}
