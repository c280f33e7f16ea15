import { openClient } from './postgres';
import { ConnectFn } from '../src/engine';

/**
 * Makes the IAM auth tokens (connection passwords) for one DSQL cluster. `DsqlSigner` of
 * @aws-sdk/dsql-signer has this shape; connectors/env-signer.ts makes the same tokens from the
 * environment's credentials.
 */
export interface TokenSigner {
  getDbConnectAdminAuthToken(): Promise<string>;
  getDbConnectAuthToken(): Promise<string>;
}

/**
 * Makes the signer for a cluster. The entry point chooses it (the CLI and API: connectors/sdk-signer.ts,
 * the Lambda handler: connectors/env-signer.ts), so each bundle holds only the one it uses.
 */
export type SignerFactory = (target: { readonly hostname: string; readonly region: string }) => TokenSigner;

export interface DsqlConnectionOptions {
  /** Cluster host name, `<id>.dsql.<region>.on.aws`. */
  readonly endpoint: string;
  readonly region: string;
  /** Database role; `admin` signs a DbConnectAdmin token, any other a DbConnect token. */
  readonly user?: string;
  /** @default 5432 */
  readonly port?: number;
  /** Give up on a server that accepts and never answers. @default 30 seconds */
  readonly connectTimeoutMs?: number;
  /** Only for tests: a ready signer (e.g. with fixed credentials) instead of the entry point's. */
  readonly signer?: TokenSigner;
}

/** Makes the password for one connection: a fresh IAM token each time. */
export function tokenProvider(options: DsqlConnectionOptions, newSigner: SignerFactory): () => Promise<string> {
  const signer = options.signer ?? newSigner({ hostname: options.endpoint, region: options.region });
  const user = options.user ?? 'admin';
  return () => (user === 'admin' ? signer.getDbConnectAdminAuthToken() : signer.getDbConnectAuthToken());
}

/**
 * Connects to Aurora DSQL with node-postgres. Tokens are checked only when a connection opens and
 * DSQL ends connections after 60 minutes (docs/dsql-facts.md §5, §9.9), so each connection gets a new token.
 * DSQL requires TLS; the certificate is verified against Node's CA bundle.
 */
export function dsqlConnector(options: DsqlConnectionOptions, newSigner: SignerFactory): ConnectFn {
  const password = tokenProvider(options, newSigner);
  return async () =>
    openClient({
      host: options.endpoint,
      port: options.port ?? 5432,
      database: 'postgres',
      user: options.user ?? 'admin',
      password: await password(),
      ssl: { rejectUnauthorized: true, servername: options.endpoint },
      connectionTimeoutMillis: options.connectTimeoutMs ?? 30_000,
      application_name: 'cdk-dsql-migrations',
    });
}

/**
 * The region of a DSQL cluster: an IAM token must be signed for the cluster's region, which its
 * endpoint `<cluster-id>.dsql.<region>.on.aws` names. An explicit region wins, then the endpoint's,
 * then the environment's.
 */
export function dsqlRegion(endpoint: string, explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return explicit ?? /\.dsql\.([a-z0-9-]+)\.on\.aws$/i.exec(endpoint)?.[1] ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
}
