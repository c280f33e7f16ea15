/**
 * Database connectors: node-postgres clients for PostgreSQL and for Aurora DSQL (IAM token per
 * connection). Used by the Lambda handler, the CLI, the API, the benchmarks and the tests.
 */
export { dsqlConnector, dsqlRegion, tokenProvider } from './dsql';
export type { DsqlConnectionOptions } from './dsql';
export { openClient, postgresConnector } from './postgres';
export type { PostgresConnectionOptions } from './postgres';
