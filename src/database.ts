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
   * Lets `grantee` connect to the cluster as the database role `databaseRole` instead of `admin`.
   *
   * Grants `dsql:DbConnect` (never `DbConnectAdmin`), maps the grantee's IAM role to the database
   * role at deploy time (`AWS IAM GRANT`, after the migrations), and on a `lambda.Function` sets
   * `DSQL_ENDPOINT`, `DSQL_REGION`, `DSQL_DATABASE_ROLE` and `DSQL_SCHEMA_VERSION`. The same as
   * `migrations.grantDatabaseRole(...)`, which documents every detail.
   *
   * @param grantee an IAM role, user, or anything with one (a `lambda.Function`)
   * @param databaseRole the role's name as a migration creates it (`CREATE ROLE app_user WITH LOGIN`)
   * @returns the grant of `dsql:DbConnect`
   */
  public grantDatabaseRole(grantee: iam.IGrantable, databaseRole: string): iam.Grant {
    return this.migrations.grantDatabaseRole(grantee, databaseRole);
  }
}
