import { randomBytes } from 'crypto';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { Client } from 'pg';
import { loadEmbeddedPostgres } from './embedded-postgres';

/**
 * A PostgreSQL 16 server for tests, the demo and the benchmarks.
 *
 * With DSQL_MIGRATIONS_TEST_DATABASE_URL set (a URL whose user may CREATE DATABASE), that server
 * is used; otherwise an embedded PostgreSQL 16 (the `embedded-postgres` package) is started on a
 * free loopback port with a fresh data directory, and removed again by `stop()` (see
 * `./embedded-postgres` for runs as root from a folder the `postgres` user cannot enter).
 */
export interface LocalPostgres {
  /** Connection URL of the server's `postgres` database. */
  readonly url: string;
  stop(): Promise<void>;
}

export const DATABASE_URL_ENV = 'DSQL_MIGRATIONS_TEST_DATABASE_URL';

export async function startLocalPostgres(): Promise<LocalPostgres> {
  const external = process.env[DATABASE_URL_ENV];
  if (external) return { url: external, stop: async () => undefined };
  return startEmbeddedPostgres();
}

/** Starts an embedded PostgreSQL 16 from the embedded-postgres package found from `from`. */
export async function startEmbeddedPostgres(from?: string): Promise<LocalPostgres> {
  const { EmbeddedPostgres, cleanup } = await loadEmbeddedPostgres(from);
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  const server = new EmbeddedPostgres({
    // As root the server runs as the `postgres` user, who must be able to create this directory.
    databaseDir: path.join(os.tmpdir(), `dsql-migrations-pg-${process.pid}-${randomBytes(4).toString('hex')}`),
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: () => undefined,
  });
  const stop = async () => {
    try {
      await server.stop();
    } finally {
      cleanup();
    }
  };
  try {
    await server.initialise();
    await server.start();
  } catch (e) {
    await stop();
    throw e;
  }
  return { url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`, stop };
}

/** Creates an empty database on the server and returns its URL. */
export async function createDatabase(serverUrl: string, prefix = 'test'): Promise<string> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
