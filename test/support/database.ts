import { DATABASE_URL_ENV, createDatabase } from './local-postgres';

/** A fresh, empty database on the test run's PostgreSQL server. */
export function freshDatabase(prefix = 'test'): Promise<string> {
  const server = process.env[DATABASE_URL_ENV];
  if (!server) throw new Error(`${DATABASE_URL_ENV} is not set: the jest global setup starts the server`);
  return createDatabase(server, prefix);
}
