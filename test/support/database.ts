import { Client } from 'pg';
import { DATABASE_URL_ENV, createDatabase } from './local-postgres';

/** A fresh, empty database on the test run's PostgreSQL server. */
export function freshDatabase(prefix = 'test'): Promise<string> {
  const server = process.env[DATABASE_URL_ENV];
  if (!server) throw new Error(`${DATABASE_URL_ENV} is not set: the jest global setup starts the server`);
  return createDatabase(server, prefix);
}

/** Runs one query on its own connection and returns the rows. */
export async function queryRows(url: string, sql: string): Promise<Array<Record<string, any>>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}
