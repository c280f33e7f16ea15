/**
 * Database connectors: node-postgres clients for PostgreSQL and for Aurora DSQL (IAM token per
 * connection). Used by the CLI, the API, the benchmarks and the tests. Here DSQL tokens are signed
 * with the SDK's full credential chain; the Lambda handler imports ./dsql with ./env-signer instead,
 * so its bundle holds no credential chain.
 */
import * as dsql from './dsql';
import { sdkSigner } from './sdk-signer';

export const dsqlConnector = (options: dsql.DsqlConnectionOptions) => dsql.dsqlConnector(options, sdkSigner);
export const tokenProvider = (options: dsql.DsqlConnectionOptions) => dsql.tokenProvider(options, sdkSigner);
export { dsqlRegion } from './dsql';
export type { DsqlConnectionOptions, SignerFactory, TokenSigner } from './dsql';
export { openClient, postgresConnector } from './postgres';
export type { PostgresConnectionOptions } from './postgres';
