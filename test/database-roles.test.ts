import * as fs from 'fs';
import * as path from 'path';
import { App, Stack, aws_iam as iam, aws_lambda as lambda } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DsqlCluster, DsqlDatabase, DsqlMigrations } from '../src';
import { RESOURCE_TYPE } from '../src/resource-contract';
import { tempDir } from './support/harness';

function setup() {
  const stack = new Stack(new App(), 'RolesStack', { env: { account: '123456789012', region: 'eu-west-1' } });
  const dir = tempDir('roles-migrations');
  fs.writeFileSync(path.join(dir, '0001_app_user.sql'), 'CREATE ROLE app_user WITH LOGIN;\n');
  const db = new DsqlDatabase(stack, 'Db', { migrationsPath: dir });
  const fn = new lambda.Function(stack, 'Api', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => 1;') });
  return { stack, db, fn };
}

const resourceOf = (template: Template) => Object.values(template.findResources(RESOURCE_TYPE))[0] as any;
const logicalId = (stack: Stack, c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as any);

describe('grantDatabaseRole', () => {
  test('a function: DbConnect (not admin) on the cluster, the mapping in the custom resource, and what it needs to connect', () => {
    const { stack, db, fn } = setup();
    db.grantDatabaseRole(fn, 'app_user');
    const template = Template.fromStack(stack);
    const roleId = logicalId(stack, fn.role as iam.Role);
    const clusterId = stack.getLogicalId(db.cluster.cfnCluster);
    const resourceId = stack.getLogicalId(db.migrations.resource.node.defaultChild as any);

    expect(resourceOf(template).Properties.RoleMappings).toEqual([{ DatabaseRole: 'app_user', PrincipalArn: { 'Fn::GetAtt': [roleId, 'Arn'] } }]);
    const statements = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } }))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    expect(statements).toEqual([{ Action: 'dsql:DbConnect', Effect: 'Allow', Resource: { 'Fn::GetAtt': [clusterId, 'ResourceArn'] } }]);

    const variables = template.toJSON().Resources[logicalId(stack, fn)].Properties.Environment.Variables;
    expect(variables).toEqual({
      DSQL_ENDPOINT: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [clusterId, 'Identifier'] }, '.dsql.eu-west-1.on.aws']] },
      DSQL_REGION: 'eu-west-1',
      DSQL_DATABASE_ROLE: 'app_user',
      DSQL_SCHEMA_VERSION: { 'Fn::GetAtt': [resourceId, 'LatestVersion'] },
    });
    expect(variables.AWS_REGION).toBeUndefined();
  });

  test('no dependency cycle: role <- custom resource <- function', () => {
    const { stack, db, fn } = setup();
    db.grantDatabaseRole(fn, 'app_user');
    const resources = Template.fromStack(stack).toJSON().Resources as Record<string, any>;
    // Every reference (Ref, Fn::GetAtt, DependsOn) between resources, then a search for a cycle.
    const edges = new Map<string, Set<string>>();
    for (const [id, r] of Object.entries(resources)) {
      const refs = new Set<string>([...(r.DependsOn ?? [])]);
      JSON.stringify(r.Properties ?? {}, (k, v) => {
        if (k === 'Ref' && typeof v === 'string' && resources[v]) refs.add(v);
        if (k === 'Fn::GetAtt' && Array.isArray(v) && resources[v[0]]) refs.add(v[0]);
        return v;
      });
      edges.set(id, refs);
    }
    const reaches = (from: string, to: string, seen = new Set<string>()): boolean =>
      [...(edges.get(from) ?? [])].some((n) => n === to || (!seen.has(n) && (seen.add(n), reaches(n, to, seen))));
    const fnId = logicalId(stack, fn);
    const resourceId = stack.getLogicalId(db.migrations.resource.node.defaultChild as any);
    const roleId = logicalId(stack, fn.role as iam.Role);
    expect(reaches(fnId, resourceId)).toBe(true);
    expect(reaches(resourceId, roleId)).toBe(true);
    expect(Object.keys(resources).filter((id) => reaches(id, id))).toEqual([]);
  });

  test('an IAM role alone gets the grant and the mapping, no environment; a repeated mapping is listed once', () => {
    const { stack, db } = setup();
    const role = new iam.Role(stack, 'Reporting', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    const user = iam.User.fromUserArn(stack, 'Analyst', 'arn:aws:iam::123456789012:user/analyst');
    db.migrations.grantDatabaseRole(role, 'reporting');
    db.migrations.grantDatabaseRole(role, 'reporting');
    db.grantDatabaseRole(user, 'reporting');
    expect(resourceOf(Template.fromStack(stack)).Properties.RoleMappings).toEqual([
      { DatabaseRole: 'reporting', PrincipalArn: { 'Fn::GetAtt': [logicalId(stack, role), 'Arn'] } },
      { DatabaseRole: 'reporting', PrincipalArn: 'arn:aws:iam::123456789012:user/analyst' },
    ]);
  });

  test('without mappings the template has no RoleMappings property', () => {
    const { stack } = setup();
    expect(resourceOf(Template.fromStack(stack)).Properties.RoleMappings).toBeUndefined();
  });

  test('works on DsqlMigrations with an imported cluster', () => {
    const { stack, fn } = setup();
    const cluster = DsqlCluster.fromClusterAttributes(stack, 'Imported', { clusterIdentifier: 'abcdefghijklmnopqrstuvwxyz' });
    const migrations = new DsqlMigrations(stack, 'Other', { cluster, migrationsPath: path.join(__dirname, '..', 'migrations') });
    migrations.grantDatabaseRole(fn, 'app_user');
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { DSQL_ENDPOINT: 'abcdefghijklmnopqrstuvwxyz.dsql.eu-west-1.on.aws', DSQL_DATABASE_ROLE: 'app_user' } },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'dsql:DbConnect', Effect: 'Allow', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':dsql:eu-west-1:123456789012:cluster/abcdefghijklmnopqrstuvwxyz']] } }] },
    });
  });

  test('admin, an invalid name and a second role for one function fail synth with a clear message', () => {
    const { stack, db, fn } = setup();
    db.grantDatabaseRole(fn, 'app_user');
    db.grantDatabaseRole(fn, 'reader');
    const role = new iam.Role(stack, 'Other', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    db.grantDatabaseRole(role, 'admin');
    db.grantDatabaseRole(role, 'App-User');
    const errors = () => App.of(stack)!.synth();
    expect(errors).toThrow(/grantDatabaseRole: "admin" is the role DSQL manages \(reached with dsql:DbConnectAdmin\)/);
    expect(errors).toThrow(/grantDatabaseRole: "App-User" is not a database role name/);
    expect(errors).toThrow(/grantDatabaseRole: RolesStack\/Api already connects as app_user; a function gets one database role \(reader asked\)/);
  });
});
