// An example app: a DSQL cluster with its schema, and an API function allowed to connect.
// Synthesize it with `npx cdk synth --app "npx ts-node --transpile-only --project test/tsconfig.json examples/app.ts"`.
import * as path from 'path';
import { App, CfnOutput, Stack, StackProps, aws_iam as iam, aws_lambda as lambda, aws_logs as logs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { DsqlDatabase, DsqlMigrationsOptions } from '../src';

export interface ExampleStackProps extends StackProps {
  /** @default the repository's migrations/ folder */
  readonly migrationsPath?: string;
  /** The other options of the migrations (the tests drive each one through the handler). */
  readonly migrations?: Omit<DsqlMigrationsOptions, 'migrationsPath'>;
}

export class ExampleStack extends Stack {
  public readonly db: DsqlDatabase;

  constructor(scope: Construct, id: string, props: ExampleStackProps = {}) {
    super(scope, id, props);
    this.db = new DsqlDatabase(this, 'Db', {
      ...props.migrations,
      migrationsPath: props.migrationsPath ?? path.join(__dirname, '..', 'migrations'),
      deletionProtection: true,
    });

    // The API's role carries exactly what it needs: DbConnect on this cluster and its own logs.
    const apiRole = new iam.Role(this, 'ApiRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const apiLogs = new logs.LogGroup(this, 'ApiLogs', { retention: logs.RetentionDays.ONE_MONTH });
    apiLogs.grantWrite(apiRole);
    const api = new lambda.Function(this, 'Api', {
      runtime: lambda.Runtime.NODEJS_24_X,
      role: apiRole,
      logGroup: apiLogs,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'),
      environment: { DSQL_ENDPOINT: this.db.cluster.clusterEndpoint },
    });
    this.db.cluster.grantConnect(api);

    new CfnOutput(this, 'ClusterEndpoint', { value: this.db.cluster.clusterEndpoint });
    new CfnOutput(this, 'SchemaVersion', { value: this.db.migrations.latestVersion });
    new CfnOutput(this, 'MigrationsApplied', { value: this.db.migrations.appliedThisDeployment });
  }
}

if (require.main === module) {
  const app = new App();
  new ExampleStack(app, 'DsqlMigrationsExample', { env: { region: process.env.CDK_DEFAULT_REGION ?? 'us-east-1', account: process.env.CDK_DEFAULT_ACCOUNT } });
  app.synth();
}
