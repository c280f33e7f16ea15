import { Command, InvalidArgumentError, Option } from 'commander';
import { describedConnector, dsqlDescription, maskConnectionString, parseUrl } from './connection';
import { dsqlConnector, dsqlRegion, postgresConnector } from '../connectors';
import { UsageError } from './errors';
import { ConnectFn, Dialect } from '../src/engine';

/** Where `status`, `plan` and `apply` connect. */
export interface Target {
  /** For messages: the URL with its password masked, or the DSQL endpoint and user. Never a secret. */
  readonly description: string;
  /** Known for --endpoint (DSQL); for --url the runner asks the server. */
  readonly dialect?: Dialect;
  readonly connect: ConnectFn;
}

export const TARGET_ENV = {
  url: 'DSQL_MIGRATIONS_URL',
  fallbackUrl: 'DATABASE_URL',
  endpoint: 'DSQL_MIGRATIONS_ENDPOINT',
  user: 'DSQL_MIGRATIONS_USER',
  connectTimeout: 'DSQL_MIGRATIONS_CONNECT_TIMEOUT',
  dialect: 'DSQL_MIGRATIONS_DIALECT',
  /** libpq's variable: with no URL or endpoint, PostgreSQL at PGHOST (with PGPORT, PGUSER, PGPASSWORD, PGDATABASE). */
  pgHost: 'PGHOST',
} as const;

const DEFAULT_CONNECT_TIMEOUT_SECONDS = 30;

/** The target options (cli/options.ts adds them to the commands that connect); `resolveTarget` reads them. */
export function targetOptions(): Option[] {
  return [
    new Option('--url <url>', `PostgreSQL connection URL (or ${TARGET_ENV.fallbackUrl}); DSQL-only syntax is translated`).env(TARGET_ENV.url),
    new Option('--endpoint <host>', 'Aurora DSQL cluster endpoint, <cluster-id>.dsql.<region>.on.aws').env(TARGET_ENV.endpoint),
    new Option('--region <region>', 'AWS region of the DSQL cluster (default: from the endpoint, else AWS_REGION)'),
    new Option('--user <role>', 'DSQL database role; admin signs a DbConnectAdmin token, others DbConnect').env(TARGET_ENV.user).default('admin'),
    new Option('--connect-timeout <seconds>', 'give up on a server that does not answer within this time')
      .env(TARGET_ENV.connectTimeout)
      .argParser(parseSeconds)
      .default(DEFAULT_CONNECT_TIMEOUT_SECONDS),
    new Option('--dialect <dialect>', 'treat the server as DSQL (a local DSQL emulator speaking PostgreSQL) or PostgreSQL (default: DSQL for --endpoint, else detected)')
      .choices(['dsql', 'postgresql'])
      .env(TARGET_ENV.dialect),
  ];
}

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !(seconds > 0)) throw new InvalidArgumentError('a number of seconds greater than 0, e.g. 10');
  return seconds;
}

interface TargetOptionValues {
  readonly url?: string;
  readonly endpoint?: string;
  readonly region?: string;
  readonly user: string;
  readonly connectTimeout: number;
  readonly dialect?: Dialect;
}

/**
 * Chooses the target: a flag on the command line wins over the environment, DSQL_MIGRATIONS_*
 * variables over DATABASE_URL (which many shells set for the application itself), and that over
 * libpq's PGHOST. A URL without a password takes PGPASSWORD, as psql does (node-postgres fills every
 * part a URL leaves out from the PG* variables).
 */
export function resolveTarget(command: Command, env: NodeJS.ProcessEnv = process.env): Target {
  const target = resolveServer(command, env);
  // An emulator on localhost cannot be told from PostgreSQL: the user says which it is.
  const { dialect } = command.opts<TargetOptionValues>();
  return dialect ? { ...target, dialect } : target;
}

function resolveServer(command: Command, env: NodeJS.ProcessEnv): Target {
  const o = command.opts<TargetOptionValues>();
  const source = (name: string) => command.getOptionValueSource(name);
  const fromCli = { url: source('url') === 'cli', endpoint: source('endpoint') === 'cli' };
  if (fromCli.url && fromCli.endpoint) throw new UsageError('--url and --endpoint name two targets: pass one of them');
  let kind: 'url' | 'endpoint' | undefined = fromCli.url ? 'url' : fromCli.endpoint ? 'endpoint' : undefined;
  if (!kind) {
    if (o.url && o.endpoint) throw new UsageError(`both ${TARGET_ENV.url} and ${TARGET_ENV.endpoint} are set: unset one, or pass --url or --endpoint`);
    kind = o.url ? 'url' : o.endpoint ? 'endpoint' : undefined;
  }
  const connectTimeoutMs = o.connectTimeout * 1000;
  if (kind === 'endpoint') return dsqlTarget(o.endpoint!, o.region, o.user, connectTimeoutMs, env);
  const url = kind === 'url' ? o.url! : env[TARGET_ENV.fallbackUrl];
  if (url) return postgresTarget(url, connectTimeoutMs);
  if (env[TARGET_ENV.pgHost]) return pgEnvTarget(connectTimeoutMs, env);
  throw new UsageError(
    `no database to connect to: pass --url <postgres-url> or --endpoint <dsql-endpoint>, or set ${TARGET_ENV.url}, ${TARGET_ENV.endpoint}, ${TARGET_ENV.fallbackUrl} or ${TARGET_ENV.pgHost}`,
  );
}

function postgresTarget(url: string, connectTimeoutMs: number): Target {
  const description = maskConnectionString(url);
  if (!/^postgres(ql)?:\/\//.test(url)) throw new UsageError(`the connection URL must start with postgres:// or postgresql:// (got ${description}; the rest is not shown)`);
  if (!parseUrl(url)) throw new UsageError(`the connection URL is not a valid URL (got ${description}; the rest is not shown): percent-encode special characters in the password, or set PGPASSWORD and leave it out of the URL`);
  return { description, connect: describedConnector(postgresConnector(url, { connectTimeoutMs }), description, connectTimeoutMs) };
}

/** PostgreSQL named by libpq's PG* variables; node-postgres reads them itself. */
function pgEnvTarget(connectTimeoutMs: number, env: NodeJS.ProcessEnv): Target {
  const user = env.PGUSER ?? env.USER ?? '';
  const description = `postgres://${user ? `${user}@` : ''}${env.PGHOST}:${env.PGPORT ?? 5432}/${env.PGDATABASE ?? user} (from PG* variables)`;
  return { description, connect: describedConnector(postgresConnector(undefined, { connectTimeoutMs }), description, connectTimeoutMs) };
}

function dsqlTarget(endpoint: string, regionOption: string | undefined, user: string, connectTimeoutMs: number, env: NodeJS.ProcessEnv): Target {
  if (!/^[a-z0-9.-]+$/i.test(endpoint)) throw new UsageError(`--endpoint takes a host name, <cluster-id>.dsql.<region>.on.aws (got ${JSON.stringify(endpoint)})`);
  const region = dsqlRegion(endpoint, regionOption, env);
  if (!region) throw new UsageError(`no AWS region for ${endpoint}: pass --region or set AWS_REGION`);
  const description = dsqlDescription(endpoint, user, region);
  return { description, dialect: 'dsql', connect: describedConnector(dsqlConnector({ endpoint, region, user, connectTimeoutMs }), description, connectTimeoutMs) };
}

export { ConnectionError, maskConnectionString } from './connection';
