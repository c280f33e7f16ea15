export { DsqlCluster, DsqlClusterAttributes, DsqlClusterProps, IDsqlCluster } from './cluster';
export { DsqlDatabase, DsqlDatabaseProps } from './database';
export { DsqlMigrations, DsqlMigrationsOptions, DsqlMigrationsProps } from './migrations';
