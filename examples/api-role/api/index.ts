// The API function: lists and adds orders, connected to Aurora DSQL as the database role
// migrations/0002 creates (app_user by default) with a `dsql:DbConnect` token, never as admin.
// Bundled by NodejsFunction (esbuild) with pg and @aws-sdk/dsql-signer inside.
import { DsqlSigner } from '@aws-sdk/dsql-signer';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { Client } from 'pg';

/** What the API needs of a database connection (a node-postgres `Client` has it). */
export interface Db {
  query(text: string, params?: unknown[]): Promise<{ rows: any[] }>;
  end(): Promise<void>;
}

export type Connect = () => Promise<Db>;

export interface Order {
  readonly id: string;
  readonly customer: string;
  readonly amountCents: number;
  readonly createdAt: string;
}

/** The API (an API Gateway HTTP API, payload format 2.0), apart from how it connects. */
export function createApi(connect: Connect): (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyResultV2> {
  return async (event) => {
    const method = event.requestContext.http.method;
    if (method !== 'GET' && method !== 'POST') return json(405, { message: 'use GET or POST' });
    let input: { customer: string; amountCents: number } | undefined;
    if (method === 'POST') {
      input = parseOrder(event.body, event.isBase64Encoded);
      if (!input) return json(400, { message: 'body must be {"customer": string (1-200), "amountCents": integer >= 0}' });
    }
    const db = await connect();
    try {
      if (input) {
        const { rows } = await db.query(
          'INSERT INTO orders (customer, amount_cents) VALUES ($1, $2) RETURNING id, customer, amount_cents, created_at',
          [input.customer, input.amountCents],
        );
        return json(201, toOrder(rows[0]));
      }
      const { rows } = await db.query('SELECT id, customer, amount_cents, created_at FROM orders ORDER BY created_at DESC, id LIMIT 50');
      return json(200, rows.map(toOrder));
    } finally {
      await db.end();
    }
  };
}

/**
 * Connects to the cluster as `user` with a fresh DbConnect token (tokens are checked only when a
 * connection opens). TLS is required by DSQL; the certificate is verified.
 */
export function dsqlConnect(endpoint: string, region: string, user: string): Connect {
  const signer = new DsqlSigner({ hostname: endpoint, region });
  return async () => {
    const client = new Client({
      host: endpoint,
      port: 5432,
      database: 'postgres',
      user,
      password: await signer.getDbConnectAuthToken(),
      ssl: { rejectUnauthorized: true },
      connectionTimeoutMillis: 10_000,
    });
    await client.connect();
    return client;
  };
}

let api: ReturnType<typeof createApi> | undefined;

/**
 * The Lambda handler. `grantDatabaseRole` in app.ts sets DSQL_ENDPOINT, DSQL_REGION (the cluster's
 * Region) and DSQL_DATABASE_ROLE; DSQL_SCHEMA_VERSION tells which migration the code was deployed against.
 */
export const handler = (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyResultV2> => {
  api ??= createApi(dsqlConnect(requiredEnv('DSQL_ENDPOINT'), requiredEnv('DSQL_REGION'), requiredEnv('DSQL_DATABASE_ROLE')));
  return api(event);
};

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: the function must be given a database role with grantDatabaseRole`);
  return value;
}

function parseOrder(body: string | undefined, base64: boolean): { customer: string; amountCents: number } | undefined {
  try {
    const value = JSON.parse(base64 && body ? Buffer.from(body, 'base64').toString('utf8') : (body ?? '')) as Record<string, unknown>;
    const { customer, amountCents } = value;
    if (typeof customer !== 'string' || customer.length < 1 || customer.length > 200) return undefined;
    if (typeof amountCents !== 'number' || !Number.isSafeInteger(amountCents) || amountCents < 0) return undefined;
    return { customer, amountCents };
  } catch {
    return undefined;
  }
}

function toOrder(row: { id: string; customer: string; amount_cents: string | number; created_at: Date | string }): Order {
  return {
    id: row.id,
    customer: row.customer,
    amountCents: Number(row.amount_cents),
    createdAt: row.created_at instanceof Date ? row.created_at.toISOString() : row.created_at,
  };
}

function json(statusCode: number, body: unknown): APIGatewayProxyResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
