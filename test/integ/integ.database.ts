// Integration test: deploys a DsqlDatabase on the repository's migrations/ and asserts, through
// integ-tests-alpha assertions, that the custom resource reports the newest version and that the
// database holds what the migrations wrote.
//
// Without AWS (CI): `npx projen integ` synthesizes this app and compares it with the committed
// snapshot in integ.database.ts.snapshot/ (asset hashes are ignored, templates are not).
// Live: see the README, "Integration test".
import * as fs from 'fs';
import * as path from 'path';
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, CfnOutput, Duration, RemovalPolicies, RemovalPolicy, Stack, aws_lambda as lambda, aws_lambda_nodejs as nodejs, aws_logs as logs } from 'aws-cdk-lib';
import { DsqlDatabase } from '../../src';

const MIGRATIONS = path.join(__dirname, '..', '..', 'migrations');

/** The version of the newest migration file, e.g. `0007`: what LatestVersion must report after the deploy. */
function newestVersion(dir: string): string {
  const versions = fs
    .readdirSync(dir)
    .map((f) => /^(\d+)_\w+\.sql$/.exec(f)?.[1])
    .filter((v): v is string => v !== undefined)
    .sort((a, b) => Number(a) - Number(b));
  if (versions.length === 0) throw new Error(`no migrations in ${dir}`);
  return versions[versions.length - 1];
}

const app = new App();
// No env: the snapshot is region- and account-agnostic, so any Region with Aurora DSQL can run it.
const stack = new Stack(app, 'DsqlMigrationsInteg');

const db = new DsqlDatabase(stack, 'Db', {
  migrationsPath: MIGRATIONS,
  // A live run must leave nothing behind.
  removalPolicy: RemovalPolicy.DESTROY,
  deletionProtection: false,
  logRetention: logs.RetentionDays.ONE_DAY,
});

// Reads the migrated database back: the query result the assertion below checks.
const query = new nodejs.NodejsFunction(stack, 'Query', {
  entry: path.join(__dirname, 'query-function.ts'),
  handler: 'handler',
  runtime: lambda.Runtime.NODEJS_24_X,
  architecture: lambda.Architecture.ARM_64,
  timeout: Duration.seconds(60),
  environment: { DSQL_ENDPOINT: db.cluster.clusterEndpoint },
  logGroup: new logs.LogGroup(stack, 'QueryLogs', { retention: logs.RetentionDays.ONE_DAY, removalPolicy: RemovalPolicy.DESTROY }),
  // pg and the DSQL signer go into the bundle; the Lambda runtime does not ship them.
  bundling: { externalModules: [], minify: true, sourceMap: false, target: 'node24' },
});
db.cluster.grantConnectAdmin(query);
// Everything else too (the handler's log groups keep their logs by default): a live run leaves nothing.
RemovalPolicies.of(stack).destroy();
// Invoke only after the migrations ran (the assertion stack deploys after this stack anyway).
query.node.addDependency(db.migrations);

const integ = new IntegTest(app, 'DsqlDatabaseInteg', {
  testCases: [stack],
  // Asset hashes (the handler bundle, the migrations manifest, the probe's bundle) change with every
  // rebuild; the templates, including the migration set hash, are what the snapshot check compares.
  diffAssets: false,
  cdkCommandOptions: { destroy: { args: { force: true } } },
});

// 1. The custom resource's LatestVersion attribute is the newest file's version. Read through a stack
// output and DescribeStacks rather than a cross-stack reference: an export cannot change while the
// assertion stack imports it, and LatestVersion changes whenever a migration is added.
new CfnOutput(stack, 'LatestVersion', { value: db.migrations.latestVersion });
integ.assertions.awsApiCall('CloudFormation', 'describeStacks', { StackName: stack.stackName }).expect(
  ExpectedResult.objectLike({
    Stacks: Match.arrayWith([
      Match.objectLike({ Outputs: Match.arrayWith([Match.objectLike({ OutputKey: 'LatestVersion', OutputValue: newestVersion(MIGRATIONS) })]) }),
    ]),
  }),
);

// 2. A query through a real DSQL connection returns what the migrations wrote.
integ.assertions
  .invokeFunction({ functionName: query.functionName, logRetention: logs.RetentionDays.ONE_DAY })
  .expect(
    ExpectedResult.objectLike({
      StatusCode: 200,
      Payload: Match.serializedJson({
        latestVersion: newestVersion(MIGRATIONS),
        seededProject: 'Getting started',
        seededTasks: 1,
      }),
    }),
  );

app.synth();
