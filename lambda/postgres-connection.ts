import { Client } from 'pg';
import { ConnectFn } from '../src/engine/runner';

export interface PostgresConnectionOptions {
  /** Give up on a server that accepts and never answers. @default 30 seconds */
  readonly connectTimeoutMs?: number;
}

/**
 * Connects to PostgreSQL with a connection URL (local development, tests, the CLI's --url), or,
 * without one, with libpq's PG* variables, which node-postgres reads itself; a URL's missing parts
 * (such as the password) are also taken from them.
 */
export function postgresConnector(connectionString: string | undefined, options: PostgresConnectionOptions = {}): ConnectFn {
  return async () => {
    const client = new Client({ connectionString, application_name: 'cdk-dsql-migrations', connectionTimeoutMillis: options.connectTimeoutMs ?? 30_000 });
    await client.connect();
    return client;
  };
}
