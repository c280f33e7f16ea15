import { Client } from 'pg';
import { queryRows } from './database';
import { postgresConnector } from '../../connectors';
import { translateForPostgres } from '../../src/engine/dialect';
import { ConnectFn, SqlSession } from '../../src/engine/runner';

/** DSQL's `sys.jobs` view, as a table the tests (and the emulator) write. */
export async function createSysJobs(url: string): Promise<void> {
  await queryRows(url, 'CREATE SCHEMA sys; CREATE TABLE sys.jobs (job_id TEXT PRIMARY KEY, status TEXT NOT NULL, details TEXT, object_name TEXT, start_time TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp())');
}

export interface EmulatorHooks {
  /** Called once a `CREATE INDEX ASYNC` has committed and its job is filed, before the answer reaches the runner. */
  readonly afterAsyncIndex?: (backendPid: number) => Promise<void>;
}

const CREATE_INDEX_ASYNC = /^\s*CREATE\s+(UNIQUE\s+)?INDEX\s+ASYNC\s+(IF\s+NOT\s+EXISTS\s+)?(\w+)/i;

/**
 * PostgreSQL standing in for DSQL's async jobs. `CREATE INDEX ASYNC` builds the index, answers
 * with a job_id row as DSQL does, and files a `submitted` job in `sys.jobs`; with `IF NOT EXISTS`
 * on an existing index it answers no row. A unique index that duplicates break is left INVALID,
 * as DSQL leaves it (the test then fails its job). Reads of `sys.jobs` ignore their filter, as an
 * emulator seen in the wild did: the runner must match rows to job ids itself.
 */
export function asyncJobEmulator(url: string, hooks: EmulatorHooks = {}): ConnectFn {
  const connect = postgresConnector(url);
  return async () => {
    const inner = (await connect()) as Client;
    inner.on('error', () => undefined); // a terminated backend shows on the next query
    const pid = (await inner.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
    const session: SqlSession = {
      async query(text, params) {
        const index = CREATE_INDEX_ASYNC.exec(text);
        if (index) {
          const name = index[3].toLowerCase();
          if (index[2] && (await inner.query('SELECT to_regclass($1) AS r', [name])).rows[0].r !== null) return { rows: [] };
          try {
            await inner.query(translateForPostgres(text)!);
          } catch (e) {
            if ((e as { code?: string }).code !== '23505') throw e;
            // Duplicates: DSQL's job fails later and leaves the index INVALID.
            await inner.query(translateForPostgres(text)!.replace(/\bUNIQUE\s+/i, ''));
            await inner.query('UPDATE pg_catalog.pg_index SET indisvalid = false WHERE indexrelid = to_regclass($1)', [name]);
          }
          const { rows } = await inner.query(
            "INSERT INTO sys.jobs (job_id, status, details, object_name) VALUES (substr(md5(random()::text), 1, 26), 'submitted', '', 'public.' || $1) RETURNING job_id",
            [name],
          );
          await hooks.afterAsyncIndex?.(pid);
          return { rows };
        }
        if (/\bFROM\s+sys\.jobs\b/i.test(text)) return inner.query('SELECT * FROM sys.jobs ORDER BY start_time');
        return inner.query(text, params);
      },
      end: () => inner.end(),
    };
    return session;
  };
}
