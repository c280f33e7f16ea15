import { aws_iam as iam } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { DsqlCluster, DsqlClusterProps } from './cluster';
import { DsqlMigrations, DsqlMigrationsOptions } from './migrations';

/**
 * Properties of `DsqlDatabase`: the cluster's and the migrations' options together.
 */
export interface DsqlDatabaseProps extends DsqlClusterProps, DsqlMigrationsOptions {}

/**
 * An Aurora DSQL cluster with its schema: a `DsqlCluster` and the `DsqlMigrations` that keep it
 * at the latest version of a migrations folder.
 */
export class DsqlDatabase extends Construct {
  /**
   * The cluster.
   */
  public readonly cluster: DsqlCluster;

  /**
   * The migrations applied to the cluster.
   */
  public readonly migrations: DsqlMigrations;

  constructor(scope: Construct, id: string, props: DsqlDatabaseProps) {
    super(scope, id);
    this.cluster = new DsqlCluster(this, 'Cluster', props);
    this.migrations = new DsqlMigrations(this, 'Migrations', { ...props, cluster: this.cluster });
  }

  /**
   * Lets `grantee` connect as the database role `databaseRole` instead of `admin`: see
   * `DsqlMigrations.grantDatabaseRole`.
   */
  public grantDatabaseRole(grantee: iam.IGrantable, databaseRole: string): iam.Grant {
    return this.migrations.grantDatabaseRole(grantee, databaseRole);
  }
}
