export { DsqlCluster, DsqlClusterAttributes, DsqlClusterProps, IDsqlCluster } from './cluster';
export { DsqlDatabase, DsqlDatabaseProps } from './database';
export { DsqlMigrations, DsqlMigrationsOptions, DsqlMigrationsProps, LintSeverity, MigrationLintOptions } from './migrations';
