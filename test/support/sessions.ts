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

/** Terminates every backend the runner's connectors opened on this database (they name themselves cdk-dsql-migrations). */
export async function terminateRunnerBackends(url: string, applicationName = 'cdk-dsql-migrations'): Promise<number> {
  const admin = new Client({ connectionString: url });
  await admin.connect();
  try {
    const { rows } = await admin.query(
      'SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = $1',
      [applicationName],
    );
    return rows[0].n as number;
  } finally {
    await admin.end();
  }
}

/** Polls until `condition` holds (a database state the test waits for; no timing is asserted). */
export async function waitUntil(condition: () => Promise<boolean>, what = 'condition'): Promise<void> {
  for (let i = 0; !(await condition()); i++) {
    if (i > 3000) throw new Error(`${what} never happened`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Whether a query holding `text` is running (a transaction sent as one message shows as the whole message). */
export async function isRunning(url: string, text: string): Promise<boolean> {
  const admin = new Client({ connectionString: url });
  await admin.connect();
  try {
    const { rows } = await admin.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND query LIKE $1", [`%${text}%`]);
    return (rows[0].n as number) > 0;
  } finally {
    await admin.end();
  }
}
