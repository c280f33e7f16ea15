// An API function that reaches Aurora DSQL as a least-privilege database role created by a
// migration, not as admin. See README.md beside this file.
// Synthesize: npx cdk synth --app "npx ts-node --transpile-only --project test/tsconfig.json examples/api-role/app.ts"
import * as path from 'path';
import { App, CfnOutput, Duration, Stack, StackProps, aws_iam as iam, aws_lambda as lambda, aws_lambda_nodejs as nodejs, aws_logs as logs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { DsqlDatabase } from '../../src';

export interface ApiRoleStackProps extends StackProps {
  /**
   * The database role the API connects as. migrations/0002 creates it under this name (the
   * `apiDatabaseRole` parameter), and the deploy maps the API's IAM role to it. Set it before the
   * first deploy: 0002 runs once per environment (README.md says how to move a deployed API).
   *
   * @default 'app_user'
   */
  readonly databaseRole?: string;

  /** @default this example's migrations/ folder */
  readonly migrationsPath?: string;
}

export class ApiRoleStack extends Stack {
  public readonly db: DsqlDatabase;
  public readonly apiRole: iam.Role;
  public readonly apiFunction: nodejs.NodejsFunction;
  public readonly databaseRole: string;

  constructor(scope: Construct, id: string, props: ApiRoleStackProps = {}) {
    super(scope, id, props);
    this.databaseRole = props.databaseRole ?? 'app_user';

    this.db = new DsqlDatabase(this, 'Db', {
      migrationsPath: props.migrationsPath ?? path.join(__dirname, 'migrations'),
      parameters: { apiDatabaseRole: this.databaseRole },
      deletionProtection: true,
    });

    // A role of its own, so that it carries exactly what the API needs: no managed policy.
    this.apiRole = new iam.Role(this, 'ApiRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `The orders API; connects to Aurora DSQL as the database role ${this.databaseRole}`,
    });
    const logGroup = new logs.LogGroup(this, 'ApiLogs', { retention: logs.RetentionDays.ONE_MONTH });
    logGroup.grantWrite(this.apiRole);

    this.apiFunction = new nodejs.NodejsFunction(this, 'Api', {
      entry: path.join(__dirname, 'api', 'index.ts'),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(10),
      role: this.apiRole,
      logGroup,
      // pg and the DSQL signer go into the bundle.
      bundling: { externalModules: [], minify: true, sourceMap: false, target: 'node24' },
    });
    // dsql:DbConnect (never DbConnectAdmin), the mapping of the API's IAM role to the database
    // role (made by the deploy after the migrations), and DSQL_ENDPOINT, DSQL_REGION,
    // DSQL_DATABASE_ROLE and DSQL_SCHEMA_VERSION in the function's environment.
    this.db.grantDatabaseRole(this.apiFunction, this.databaseRole);

    new CfnOutput(this, 'ApiFunctionName', { value: this.apiFunction.functionName });
    new CfnOutput(this, 'SchemaVersion', { value: this.db.migrations.latestVersion });
  }
}

if (require.main === module) {
  const app = new App();
  new ApiRoleStack(app, 'DsqlApiRoleExample', { env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION } });
  app.synth();
}
