import { Client, ClientConfig } from 'pg';
import { ConnectFn } from '../src/engine/runner';

/** Connects to PostgreSQL with a connection URL (local development, tests, the CLI's --url). */
export function postgresConnector(connectionString: string): ConnectFn {
  return () => openClient({ connectionString, application_name: 'cdk-dsql-migrations' });
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
