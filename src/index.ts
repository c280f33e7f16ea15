export { DsqlCluster, DsqlClusterAttributes, DsqlClusterProps, IDsqlCluster } from './cluster';
export { DsqlDatabase, DsqlDatabaseProps } from './database';
export { DsqlMigrations, DsqlMigrationsOptions, DsqlMigrationsProps, LintSeverity, MigrationHistorySource, MigrationLintOptions, MigrationTool } from './migrations';
