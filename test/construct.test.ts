import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, RemovalPolicy, Stack, aws_dsql as dsql, aws_ec2 as ec2, aws_iam as iam, aws_kms as kms, aws_lambda as lambda } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { DsqlCluster, DsqlDatabase, DsqlMigrations, LintSeverity, MigrationTool } from '../src';
import { lintSql } from '../src/lint';
import { BUDGET_ENV, invocationBudgetMs, RESOURCE_TYPE } from '../src/resource-contract';
import { tempDir } from './support/harness';

const EXAMPLE_MIGRATIONS = path.join(__dirname, '..', 'migrations');

function newStack() {
  return new Stack(new App(), 'TestStack', { env: { account: '123456789012', region: 'eu-west-1' } });
}

function migrationsDir(files: Record<string, string>): string {
  const dir = tempDir('construct-migrations');
  for (const [name, sql] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), sql);
  return dir;
}

/** Asset hashes vary with the handler bundle; the snapshot is about the template's shape. */
function normalized(template: Template): unknown {
  return JSON.parse(JSON.stringify(template.toJSON()).replace(/[0-9a-f]{64}/g, '<hash>'));
}

describe('DsqlDatabase', () => {
  test('template snapshot', () => {
    const stack = newStack();
    new DsqlDatabase(stack, 'Db', { migrationsPath: EXAMPLE_MIGRATIONS });
    expect(normalized(Template.fromStack(stack))).toMatchSnapshot();
  });

  test('creates the cluster, the handler on Node.js 24 arm64, and the custom resource with the set hash', () => {
    const stack = newStack();
    const db = new DsqlDatabase(stack, 'Db', { migrationsPath: EXAMPLE_MIGRATIONS });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::DSQL::Cluster', 1);
    template.hasResource('AWS::DSQL::Cluster', { DeletionPolicy: 'Retain', Properties: { DeletionProtectionEnabled: true } });
    template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.onEvent', Runtime: 'nodejs24.x', Architectures: ['arm64'] });
    template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.isComplete', Runtime: 'nodejs24.x' });
    template.hasResourceProperties('Custom::DsqlMigrations', {
      MigrationSetHash: db.migrations.migrationSetHash,
      MigrationsKey: Match.stringLikeRegexp('^[0-9a-f]{64}\\.json$'),
      ClusterEndpoint: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('DbCluster'), 'Identifier'] }, '.dsql.eu-west-1.on.aws']] },
    });
    expect(db.migrations.migrationCount).toBe(fs.readdirSync(EXAMPLE_MIGRATIONS).filter((f) => f.endsWith('.sql')).length);
    expect(stack.resolve(db.migrations.latestVersion)).toEqual({ 'Fn::GetAtt': [expect.any(String), 'LatestVersion'] });
    expect(stack.resolve(db.migrations.appliedCount)).toEqual({ 'Fn::GetAtt': [expect.any(String), 'AppliedCount'] });
    expect(stack.resolve(db.migrations.appliedThisDeployment)).toEqual({ 'Fn::GetAtt': [expect.any(String), 'AppliedThisDeployment'] });
  });

  test('the handler may connect as admin to this cluster only, and read its own asset', () => {
    const stack = newStack();
    new DsqlDatabase(stack, 'Db', { migrationsPath: EXAMPLE_MIGRATIONS });
    const template = Template.fromStack(stack);
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp('DsqlMigrationsProviderHandlerRole') }] },
    });
    const statements = Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const dsqlStatements = statements.filter((s: any) => JSON.stringify(s.Action).includes('dsql:'));
    expect(dsqlStatements).toEqual([{ Action: 'dsql:DbConnectAdmin', Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/DbCluster/), 'ResourceArn'] } }]);
    for (const s of statements) expect(s.Resource).not.toEqual('*');
  });

  test('changing a file changes the hash and the asset key; an identical copy changes nothing', () => {
    const files = { '0001_a.sql': 'CREATE TABLE a (id INT PRIMARY KEY);\n', '0002_b.sql': 'CREATE TABLE b (id INT PRIMARY KEY);\n' };
    const props = (dir: string) => {
      const stack = newStack();
      new DsqlDatabase(stack, 'Db', { migrationsPath: dir });
      return Object.values(Template.fromStack(stack).findResources('Custom::DsqlMigrations'))[0].Properties;
    };
    const original = props(migrationsDir(files));
    const copy = props(migrationsDir(files));
    const edited = props(migrationsDir({ ...files, '0002_b.sql': 'CREATE TABLE b (id BIGINT PRIMARY KEY);\n' }));
    const added = props(migrationsDir({ ...files, '0003_c.sql': 'SELECT 1;' }));
    expect(copy).toEqual(original);
    expect(edited.MigrationSetHash).not.toBe(original.MigrationSetHash);
    expect(edited.MigrationsKey).not.toBe(original.MigrationsKey);
    expect(added.MigrationSetHash).not.toBe(original.MigrationSetHash);
    expect(new Set([original, edited, added].map((p) => p.MigrationSetHash)).size).toBe(3);
  });

  test('repeatable files are part of the set: checked at synth, counted, and any edit changes the hash', () => {
    const files = { '0001_a.sql': 'CREATE TABLE IF NOT EXISTS a (id INT PRIMARY KEY, owner TEXT);\n' };
    const view = "CREATE OR REPLACE VIEW mine AS SELECT id FROM a WHERE owner = '${{ owner }}';\n";
    const build = (dir: string, parameters?: Record<string, string>) => {
      const stack = newStack();
      const db = new DsqlDatabase(stack, 'Db', { migrationsPath: dir, parameters });
      return { stack, db, props: () => Object.values(Template.fromStack(stack).findResources('Custom::DsqlMigrations'))[0].Properties };
    };
    const without = build(migrationsDir(files)).props();
    const withView = build(migrationsDir({ ...files, 'R__mine.sql': view }), { owner: 'app' });
    expect(withView.db.migrations.migrationCount).toBe(2);
    const edited = build(migrationsDir({ ...files, 'R__mine.sql': view.replace('SELECT id', 'SELECT id, owner') }), { owner: 'app' }).props();
    expect(new Set([without, withView.props(), edited].map((p) => p.MigrationSetHash)).size).toBe(3);

    const bad = build(migrationsDir({ ...files, 'R__mine.sql': view, 'R__Bad.sql': 'SELECT 1;\n' }));
    const errors = synthErrors(bad.stack);
    expect(errors).toEqual([
      expect.stringContaining('R__Bad.sql:1:1 error file-name file name must be NNNN_description.sql'),
      expect.stringContaining('R__mine.sql:1:64 error unknown-parameter placeholder ${{ owner }} has no value'),
    ]);
  });

  test('synth lists every problem of the folder at once, in the lint format, relative to the working directory', () => {
    const index = 'CREATE TABLE IF NOT EXISTS t (id INT PRIMARY KEY, a INT);\nCREATE INDEX t_a_idx ON t (a);\n';
    const dir = migrationsDir({
      '0001_ok.sql': 'SELECT 1;',
      '0002_bad.sql': "SELECT 1;\nINSERT INTO t VALUES ('x);",
      '0003_idx.sql': index,
      'init.sql': 'SELECT 1;',
    });
    const folder = path.relative(process.cwd(), dir).startsWith('..') ? dir : path.relative(process.cwd(), dir);
    const stack = newStack();
    // Nothing is thrown while the app is built: the problems surface at synth, all together.
    new DsqlDatabase(stack, 'Db', { migrationsPath: dir });
    expect(synthErrors(stack)).toEqual([
      `[TestStack/Db/Migrations] ${path.join(folder, '0002_bad.sql')}:2:23 error syntax-error cannot split the file into statements: unterminated string literal`,
      `[TestStack/Db/Migrations] ${path.join(folder, '0003_idx.sql')}:2:8 error index-requires-async ${lintSql('0003_idx.sql', index).find((d) => d.ruleId === 'index-requires-async')!.message}`,
      `[TestStack/Db/Migrations] ${path.join(folder, 'init.sql')}:1:1 error file-name file name must be NNNN_description.sql: a zero-padded version of at least 4 digits, a snake_case description, and .sql (or R__description.sql for a repeatable file)`,
    ]);
  });

  test('a folder given relative to the working directory is named as given', () => {
    const cwd = process.cwd();
    const base = tempDir('construct-cwd');
    fs.mkdirSync(path.join(base, 'migrations'));
    fs.writeFileSync(path.join(base, 'migrations', '0001_t.sql'), 'TRUNCATE t;\n');
    try {
      process.chdir(base);
      const stack = newStack();
      new DsqlDatabase(stack, 'Db', { migrationsPath: 'migrations' });
      expect(synthErrors(stack)).toEqual([expect.stringMatching(/^\[TestStack\/Db\/Migrations\] migrations\/0001_t\.sql:1:1 error truncate /)]);
    } finally {
      process.chdir(cwd);
    }
  });

  test('a missing folder fails synth; an empty one warns', () => {
    const missing = newStack();
    new DsqlDatabase(missing, 'Db', { migrationsPath: path.join(tempDir('construct-missing'), 'nope') });
    expect(synthErrors(missing)).toEqual([expect.stringMatching(/nope error folder-not-found the migrations folder does not exist/)]);

    const empty = newStack();
    const dir = migrationsDir({ 'README.md': 'notes' });
    new DsqlDatabase(empty, 'Db', { migrationsPath: dir });
    expect(synthErrors(empty)).toEqual([]);
    expect(Annotations.fromStack(empty).findWarning('*', Match.stringLikeRegexp('warning empty-folder no migration files'))).toHaveLength(1);
  });
});

/** The lines `app.synth()` reports for the stack's failed validations (none when it succeeds). */
function synthErrors(stack: Stack): string[] {
  try {
    (stack.node.root as App).synth();
    return [];
  } catch (e) {
    const message = (e as Error).message;
    expect(message).toMatch(/^Validation failed with the following errors:/);
    return message.split('\n').filter((l) => l.startsWith('  [')).map((l) => l.trim());
  }
}

describe('DsqlMigrations', () => {
  test('one Provider per stack for several migration sets, each cluster granted separately', () => {
    const stack = newStack();
    const a = new DsqlCluster(stack, 'A');
    const b = new DsqlCluster(stack, 'B', { removalPolicy: RemovalPolicy.DESTROY });
    new DsqlMigrations(stack, 'MigrateA', { cluster: a, migrationsPath: EXAMPLE_MIGRATIONS });
    new DsqlMigrations(stack, 'MigrateB', { cluster: b, migrationsPath: EXAMPLE_MIGRATIONS });
    const template = Template.fromStack(stack);
    template.resourceCountIs('Custom::DsqlMigrations', 2);
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    expect(Object.keys(template.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.onEvent' } }))).toHaveLength(1);
    template.hasResource('AWS::DSQL::Cluster', { DeletionPolicy: 'Delete', Properties: { DeletionProtectionEnabled: false } });
  });

  test('drift, order, baseline and one-message options reach the handler; a bad baseline fails synth', () => {
    const stack = newStack();
    const cluster = DsqlCluster.fromClusterAttributes(stack, 'Imported', { clusterIdentifier: 'abcdefghijklmnopqrstuvwxyz' });
    new DsqlMigrations(stack, 'Adopt', { cluster, migrationsPath: EXAMPLE_MIGRATIONS, baselineVersion: '0003', allowOutOfOrder: true, allowChangedMigrations: true, oneMessageTransactions: true });
    Template.fromStack(stack).hasResourceProperties('Custom::DsqlMigrations', { BaselineVersion: '0003', OutOfOrder: 'apply', OnChangedFile: 'accept', OneMessageTransactions: 'true' });
    expect(() => new DsqlMigrations(stack, 'Bad', { cluster, migrationsPath: EXAMPLE_MIGRATIONS, baselineVersion: 'v3' })).toThrow(/baselineVersion must be a migration version/);
  });

  test('a set too large for the handler\'s memory fails synth with the size it needs; handlerMemorySize gives it', () => {
    // A data load of 25 MB: more than a 128 MiB handler holds while it parses the set.
    const dir = migrationsDir({ '0001_load.sql': Array.from({ length: 10 }, (_, i) => `INSERT INTO t VALUES (${i}, '${'x'.repeat(2_500_000)}');\n`).join('') });
    const small = newStack();
    new DsqlDatabase(small, 'Db', { migrationsPath: dir, handlerMemorySize: 128, lint: { enabled: false } });
    let message = '';
    try {
      (small.node.root as App).synth();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/Db\/Migrations\] .* error handler-memory the migrations \(\d+\.\d MB of SQL, 10 statements; the largest file 0001_load\.sql\) need about (\d+) MiB in the migration handler, which has 128 MiB\. Set handlerMemorySize to (\d+) or more/);
    const needed = Number(/Set handlerMemorySize to (\d+)/.exec(message)![1]);
    const stack = newStack();
    new DsqlDatabase(stack, 'Db', { migrationsPath: dir, handlerMemorySize: needed, lint: { enabled: false } });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.onEvent', MemorySize: needed });
    expect(() => new DsqlDatabase(newStack(), 'Odd', { migrationsPath: EXAMPLE_MIGRATIONS, handlerMemorySize: 100 })).toThrow(/handlerMemorySize must be a whole number of MiB from 128 to 10240/);
  });

  test('the invocation budget is set from handlerTimeout in both handlers\' environment, not in the resource\'s properties', () => {
    const budgetOf = (stack: Stack) => {
      const functions = Template.fromStack(stack).findResources('AWS::Lambda::Function', { Properties: { Handler: Match.stringLikeRegexp('^index\\.') } });
      return Object.values(functions).map((f: any) => [f.Properties.Timeout, f.Properties.Environment.Variables[BUDGET_ENV]]);
    };
    const byDefault = newStack();
    new DsqlDatabase(byDefault, 'Db', { migrationsPath: EXAMPLE_MIGRATIONS });
    expect(budgetOf(byDefault)).toEqual([[600, String(invocationBudgetMs(600))], [600, String(invocationBudgetMs(600))]]);
    const short = newStack();
    new DsqlDatabase(short, 'Db', { migrationsPath: EXAMPLE_MIGRATIONS, handlerTimeout: Duration.minutes(7) });
    expect(budgetOf(short)).toEqual([[420, '60000'], [420, '60000']]);
    // A change of the budget changes the functions only: the custom resource sees no Update.
    const props = (stack: Stack) => Object.values(Template.fromStack(stack).findResources(RESOURCE_TYPE)).map((r: any) => r.Properties);
    expect(props(short)).toEqual(props(byDefault));
  });

  test('conflicting handler settings in one stack are refused', () => {
    const stack = newStack();
    const cluster = new DsqlCluster(stack, 'A');
    new DsqlMigrations(stack, 'One', { cluster, migrationsPath: EXAMPLE_MIGRATIONS, handlerTimeout: Duration.minutes(5) });
    expect(() => new DsqlMigrations(stack, 'Two', { cluster, migrationsPath: EXAMPLE_MIGRATIONS, handlerTimeout: Duration.minutes(7) })).toThrow(
      /handlerTimeout is 7 minutes, but the stack's migration handler was set up with 5 minutes/,
    );
  });

  test('works with an imported cluster and with the L1 CfnCluster', () => {
    const stack = newStack();
    const imported = DsqlCluster.fromClusterAttributes(stack, 'Imported', { clusterIdentifier: 'abcdefghijklmnopqrstuvwxyz' });
    const l1 = new dsql.CfnCluster(stack, 'L1', {});
    new DsqlMigrations(stack, 'OnImported', { cluster: imported, migrationsPath: EXAMPLE_MIGRATIONS });
    new DsqlMigrations(stack, 'OnL1', { cluster: l1, migrationsPath: EXAMPLE_MIGRATIONS });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('Custom::DsqlMigrations', { ClusterEndpoint: 'abcdefghijklmnopqrstuvwxyz.dsql.eu-west-1.on.aws', Region: 'eu-west-1' });
    template.hasResourceProperties('Custom::DsqlMigrations', { ClusterEndpoint: { 'Fn::Join': ['', [{ Ref: Match.stringLikeRegexp('L1') }, '.dsql.eu-west-1.on.aws']] } });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'dsql:DbConnectAdmin', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':dsql:eu-west-1:123456789012:cluster/abcdefghijklmnopqrstuvwxyz']] } }),
        ]),
      },
    });
  });
});

describe('parameters', () => {
  const files = {
    '0001_grant.sql': 'CREATE TABLE IF NOT EXISTS settings (k text PRIMARY KEY, v text);\n',
    '0002_values.sql': "-- ${{ inComment }} is not a placeholder\nINSERT INTO settings VALUES ('role', '${{ appRoleArn }}');\n",
  };

  test('the values travel as one property of the custom resource; a token stays a token', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'AppRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    new DsqlDatabase(stack, 'Db', { migrationsPath: migrationsDir(files), parameters: { appRoleArn: role.roleArn } });
    expect(synthErrors(stack)).toEqual([]);
    Template.fromStack(stack).hasResourceProperties(RESOURCE_TYPE, {
      Parameters: { appRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AppRole'), 'Arn'] } },
    });
  });

  test('a new value changes the property, not the set hash (no file becomes changed)', () => {
    const dir = migrationsDir(files);
    const props = (value: string) => {
      const stack = newStack();
      new DsqlDatabase(stack, 'Db', { migrationsPath: dir, parameters: { appRoleArn: value } });
      return (Object.values(Template.fromStack(stack).findResources(RESOURCE_TYPE))[0] as any).Properties;
    };
    const a = props('arn:aws:iam::123456789012:role/a');
    const b = props('arn:aws:iam::123456789012:role/b');
    expect(b.MigrationSetHash).toBe(a.MigrationSetHash);
    expect(b.Parameters).not.toEqual(a.Parameters);
  });

  test('a placeholder with no value fails synth naming file, line and name; an unused parameter warns', () => {
    const dir = migrationsDir(files);
    const folder = path.relative(process.cwd(), dir).startsWith('..') ? dir : path.relative(process.cwd(), dir);
    const stack = newStack();
    new DsqlDatabase(stack, 'Db', { migrationsPath: dir, parameters: { env: 'prod' } });
    expect(synthErrors(stack)).toEqual([
      `[TestStack/Db/Migrations] ${path.join(folder, '0002_values.sql')}:2:39 error unknown-parameter placeholder \${{ appRoleArn }} has no value (give it with the construct's parameters, --param appRoleArn=... or the API's parameters)`,
    ]);
    const unused = newStack();
    new DsqlDatabase(unused, 'Db', { migrationsPath: dir, parameters: { appRoleArn: 'arn:aws:iam::123456789012:role/a', env: 'prod' } });
    const warnings = Annotations.fromStack(unused).findWarning('*', Match.stringLikeRegexp('unused-parameter'));
    expect(warnings.map((w) => w.entry.data)).toEqual([expect.stringMatching(/warning unused-parameter parameter env is given but no migration file uses/)]);
  });

  test('adoptHistory reaches the handler as the tool and its table', () => {
    const stack = newStack();
    new DsqlDatabase(stack, 'Db', { migrationsPath: EXAMPLE_MIGRATIONS, adoptHistory: { from: MigrationTool.GOLANG_MIGRATE, table: 'golang_schema_migrations' } });
    Template.fromStack(stack).hasResourceProperties(RESOURCE_TYPE, { AdoptFrom: 'golang-migrate', AdoptTable: 'golang_schema_migrations' });
  });

  test('without parameters the template has no Parameters property', () => {
    const stack = newStack();
    new DsqlDatabase(stack, 'Db', { migrationsPath: EXAMPLE_MIGRATIONS });
    const props = (Object.values(Template.fromStack(stack).findResources(RESOURCE_TYPE))[0] as any).Properties;
    expect(props.Parameters).toBeUndefined();
  });
});

describe('production options', () => {
  test('the handler runs in a VPC with the given subnets and security groups', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc });
    new DsqlDatabase(stack, 'Db', { migrationsPath: EXAMPLE_MIGRATIONS, vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }, securityGroups: [sg] });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.onEvent',
      VpcConfig: { SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('Sg'), 'GroupId'] }], SubnetIds: Match.arrayWith([{ Ref: Match.stringLikeRegexp('VpcPrivateSubnet1') }]) },
    });
  });

  test("the handler's log groups are kept when the stack is deleted, unless logRemovalPolicy says otherwise", () => {
    const policies = (props: { logRemovalPolicy?: RemovalPolicy }) => {
      const stack = newStack();
      new DsqlDatabase(stack, 'Db', { migrationsPath: EXAMPLE_MIGRATIONS, ...props });
      return Object.values(Template.fromStack(stack).findResources('AWS::Logs::LogGroup')).map((r) => [r.DeletionPolicy, r.UpdateReplacePolicy]);
    };
    expect(policies({})).toEqual(Array(4).fill(['Retain', 'Retain']));
    expect(policies({ logRemovalPolicy: RemovalPolicy.DESTROY })).toEqual(Array(4).fill(['Delete', 'Delete']));
  });

  test('a failure alarm watches both handler functions', () => {
    const stack = newStack();
    const db = new DsqlDatabase(stack, 'Db', { migrationsPath: EXAMPLE_MIGRATIONS, failureAlarm: true });
    expect(db.migrations.failureAlarm).toBeDefined();
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 1);
    const alarm = Object.values(template.findResources('AWS::CloudWatch::Alarm'))[0] as any;
    const dimensions = alarm.Properties.Metrics.filter((m: any) => m.MetricStat).map((m: any) => m.MetricStat.Metric.Dimensions[0].Value.Ref);
    expect(dimensions).toEqual([expect.stringMatching(/OnEvent/), expect.stringMatching(/IsComplete/)]);
    expect(alarm.Properties).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' });
  });

  test('a multi-Region cluster names its witness Region and peers; the witness must be another Region', () => {
    const stack = newStack();
    new DsqlCluster(stack, 'Peered', { witnessRegion: 'eu-west-3', peerClusterArns: ['arn:aws:dsql:eu-central-1:123456789012:cluster/abcdefghijklmnopqrstuvwxyz'] });
    Template.fromStack(stack).hasResourceProperties('AWS::DSQL::Cluster', {
      MultiRegionProperties: { WitnessRegion: 'eu-west-3', Clusters: ['arn:aws:dsql:eu-central-1:123456789012:cluster/abcdefghijklmnopqrstuvwxyz'] },
    });
    expect(() => new DsqlCluster(stack, 'SameRegion', { witnessRegion: 'eu-west-1' })).toThrow(/witnessRegion must differ from the cluster's Region \(eu-west-1\)/);
    expect(() => new DsqlCluster(stack, 'NoWitness', { peerClusterArns: ['arn:aws:dsql:eu-central-1:123456789012:cluster/x'] })).toThrow(/peerClusterArns needs witnessRegion/);
  });
});

describe('DsqlCluster', () => {
  test('grants, KMS key, name tag and imported attributes', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key');
    const cluster = new DsqlCluster(stack, 'Cluster', { kmsKey: key, clusterName: 'orders', deletionProtection: false });
    const fn = new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=1') });
    cluster.grantConnect(fn);
    const role = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    cluster.grantConnectAdmin(role);
    cluster.grant(role, 'dsql:GetCluster');
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::DSQL::Cluster', {
      DeletionProtectionEnabled: false,
      KmsEncryptionKey: { 'Fn::GetAtt': [Match.stringLikeRegexp('Key'), 'Arn'] },
      Tags: [{ Key: 'Name', Value: 'orders' }],
    });
    const arn = { 'Fn::GetAtt': [Match.stringLikeRegexp('Cluster'), 'ResourceArn'] };
    template.hasResourceProperties('AWS::IAM::Policy', { PolicyDocument: { Statement: [{ Action: 'dsql:DbConnect', Effect: 'Allow', Resource: arn }] } });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [Match.objectLike({ Action: 'dsql:DbConnectAdmin', Resource: arn }), Match.objectLike({ Action: 'dsql:GetCluster', Resource: arn })] },
    });

    const imported = DsqlCluster.fromClusterAttributes(stack, 'Other', { clusterIdentifier: 'zyxwvutsrqponmlkjihgfedcba', region: 'us-east-2', account: '210987654321' });
    expect(imported.clusterEndpoint).toBe('zyxwvutsrqponmlkjihgfedcba.dsql.us-east-2.on.aws');
    expect(stack.resolve(imported.clusterArn)).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':dsql:us-east-2:210987654321:cluster/zyxwvutsrqponmlkjihgfedcba']] });
    expect(imported.clusterRef.identifier).toBe('zyxwvutsrqponmlkjihgfedcba');
  });
});

describe('lint at synth', () => {
  test('an error fails synth with file:line:col severity rule-id message; a warning becomes an annotation', () => {
    const dir = migrationsDir({
      '0001_t.sql': 'CREATE TABLE IF NOT EXISTS t (id INT PRIMARY KEY, a INT);\nCREATE INDEX t_a_idx ON t (a);\n',
      '0002_u.sql': 'DELETE FROM t;\n',
    });
    const failing = newStack();
    new DsqlDatabase(failing, 'Db', { migrationsPath: dir });
    expect(synthErrors(failing)).toEqual([expect.stringMatching(/0001_t\.sql:2:8 error index-requires-async /)]);

    const stack = newStack();
    new DsqlDatabase(stack, 'Db', { migrationsPath: dir, lint: { rules: { 'index-requires-async': LintSeverity.WARNING } } });
    expect(synthErrors(stack)).toEqual([]);
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('index-requires-async'));
    expect(warnings).toHaveLength(1);
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('0002_u\\.sql:1:1 warning unbounded-dml'))).toHaveLength(1);
  });

  test('suppressions in SQL, severities per rule, unknown rules refused, lint can be turned off', () => {
    const dir = migrationsDir({ '0001_t.sql': 'CREATE TABLE IF NOT EXISTS t (id INT PRIMARY KEY);\n-- dsql-migrations-ignore unbounded-dml\nDELETE FROM t;\n' });
    const quiet = newStack();
    new DsqlDatabase(quiet, 'Db', { migrationsPath: dir });
    expect(Annotations.fromStack(quiet).findWarning('*', Match.stringLikeRegexp('cdk-dsql-migrations|unbounded'))).toHaveLength(0);

    const strictDir = migrationsDir({ '0001_t.sql': 'DELETE FROM t;\n' });
    const raised = newStack();
    new DsqlDatabase(raised, 'Db', { migrationsPath: strictDir, lint: { rules: { 'unbounded-dml': LintSeverity.ERROR } } });
    expect(synthErrors(raised)).toEqual([expect.stringMatching(/0001_t\.sql:1:1 error unbounded-dml /)]);
    const typo = newStack();
    new DsqlDatabase(typo, 'Db', { migrationsPath: strictDir, lint: { rules: { 'no-such-rule': LintSeverity.OFF } } });
    expect(synthErrors(typo)).toEqual([expect.stringMatching(/^\[TestStack\/Db\/Migrations\] lint\.rules: Unknown lint rule id\(s\): no-such-rule\./)]);
    const bad = migrationsDir({ '0001_t.sql': 'TRUNCATE t;\n' });
    const off = newStack();
    new DsqlDatabase(off, 'Db', { migrationsPath: bad, lint: { enabled: false } });
    expect(synthErrors(off)).toEqual([]);
  });
});
