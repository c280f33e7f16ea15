import { Client } from 'pg';
import { ConnectFn } from '../src/engine/runner';

/** Connects to PostgreSQL with a connection URL (local development, tests, the CLI's --url). */
export function postgresConnector(connectionString: string): ConnectFn {
  return async () => {
    const client = new Client({ connectionString, application_name: 'cdk-dsql-migrations' });
    await client.connect();
    return client;
  };
}
