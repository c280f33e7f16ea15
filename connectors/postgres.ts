import { Client, ClientConfig } from 'pg';
import { ConnectFn } from '../src/engine';

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
  return () => openClient({ connectionString, application_name: 'cdk-dsql-migrations', connectionTimeoutMillis: options.connectTimeoutMs ?? 30_000 });
}

/**
 * Opens a node-postgres client that cannot crash the process: a client emits 'error' when its
 * server ends the connection while no query runs (a terminated backend, a restart, DSQL's
 * 60-minute limit), and an 'error' event without a listener kills Node. The runner sees the loss
 * on its next query instead ("Connection terminated"), and reconnects.
 */
export async function openClient(config: ClientConfig): Promise<Client> {
  const client = new Client(config);
  client.on('error', () => undefined);
  await client.connect();
  return client;
}
