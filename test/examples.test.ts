import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { Client } from 'pg';
import { freshDatabase, queryRows as query } from './support/database';
import { cfnEvent, localHandlers, synthStack, tempDir } from './support/harness';
import { createApi, Db } from '../examples/api-role/api';
import { ApiRoleStack } from '../examples/api-role/app';
import { ROLE_MAPPINGS_TABLE } from '../src/engine/role-mappings';

function synth(props: ConstructorParameters<typeof ApiRoleStack>[2] = {}) {
  const app = new App();
  const stack = new ApiRoleStack(app, 'DsqlApiRoleExample', props);
  return { stack, template: Template.fromStack(stack) };
}

describe('examples/api-role: synthesized', () => {
  // No account or Region: nothing in the stack needs them at synth time.
  const { stack, template } = synth();
  const apiRoleId = stack.getLogicalId(stack.apiRole.node.defaultChild as any);
  const clusterId = stack.getLogicalId(stack.db.cluster.cfnCluster);
  const resourceId = stack.getLogicalId(stack.db.migrations.resource.node.defaultChild as any);

  test("the API function's role may dsql:DbConnect on this cluster only, and write its own log group", () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: apiRoleId }] } }));
    const statements = policies.flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const logGroupId = stack.getLogicalId(stack.apiFunction.logGroup.node.defaultChild as any);
    expect(statements).toEqual([
      { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] } },
      { Action: 'dsql:DbConnect', Effect: 'Allow', Resource: { 'Fn::GetAtt': [clusterId, 'ResourceArn'] } },
    ]);
    // No managed policy (AWSLambdaBasicExecutionRole or other) and no fixed name on the role.
    const role = template.toJSON().Resources[apiRoleId].Properties;
    expect(role.ManagedPolicyArns).toBeUndefined();
    expect(role.RoleName).toBeUndefined();
  });

  test('the deploy maps the API role to the database role; the function gets the connection settings and the schema version', () => {
    const [resource] = Object.values(template.findResources('Custom::DsqlMigrations')) as any[];
    expect(resource.Properties.RoleMappings).toEqual([{ DatabaseRole: 'app_user', PrincipalArn: { 'Fn::GetAtt': [apiRoleId, 'Arn'] } }]);
    expect(resource.Properties.Parameters).toEqual({ apiDatabaseRole: 'app_user' });
    const fn = template.toJSON().Resources[stack.getLogicalId(stack.apiFunction.node.defaultChild as any)];
    expect(fn.Properties.Role).toEqual({ 'Fn::GetAtt': [apiRoleId, 'Arn'] });
    expect(fn.Properties.Environment.Variables).toMatchObject({
      DSQL_DATABASE_ROLE: 'app_user',
      DSQL_REGION: { Ref: 'AWS::Region' },
      DSQL_SCHEMA_VERSION: { 'Fn::GetAtt': [resourceId, 'LatestVersion'] },
    });
  });

  test('another database role name changes the parameter and the mapping, not the migration set', () => {
    const other = synth({ databaseRole: 'orders_api' }).stack;
    expect(other.db.migrations.migrationSetHash).toBe(stack.db.migrations.migrationSetHash);
    const [resource] = Object.values(Template.fromStack(other).findResources('Custom::DsqlMigrations')) as any[];
    expect(resource.Properties.RoleMappings[0].DatabaseRole).toBe('orders_api');
    expect(resource.Properties.Parameters).toEqual({ apiDatabaseRole: 'orders_api' });
  });
});

describe('examples/api-role: deployed on PostgreSQL 16', () => {
  // Roles are global to a PostgreSQL server, which the test files share and which may be a
  // long-lived server (DSQL_MIGRATIONS_TEST_DATABASE_URL): this run's role gets a name of its own.
  const role = `app_user_${randomBytes(4).toString('hex')}`;
  let url: string;

  /** A connection that acts as the API's database role, as DSQL's DbConnect login as that role would. */
  async function connectAsRole(): Promise<Db & { client: Client }> {
    const client = new Client({ connectionString: url });
    await client.connect();
    await client.query(`SET ROLE ${role}`);
    return { client, query: (text, params) => client.query(text, params), end: () => client.end() };
  }

  beforeAll(async () => {
    url = await freshDatabase('api_role');
  });

  afterAll(() => dropRole(url, role));

  test('the handler applies the migrations and records the mapping; the API works as the role and can do no more', async () => {
    const deployed = synthStack(path.join(tempDir('api-role-out'), 'cdk.out'), (app) => new ApiRoleStack(app, 'DsqlApiRoleExample', { databaseRole: role }));
    const response = await localHandlers(url, deployed.outdir).onEvent(cfnEvent('Create', deployed.properties));
    expect(response.Data).toMatchObject({ LatestVersion: '0002', AppliedThisDeployment: '0001,0002' });
    const apiRoleArn = deployed.properties.RoleMappings![0].PrincipalArn;
    expect(await query(url, `SELECT role_name, principal_arn FROM ${ROLE_MAPPINGS_TABLE}`)).toEqual([{ role_name: role, principal_arn: apiRoleArn }]);

    const api = createApi(connectAsRole);
    const post = (await api(httpEvent('POST', JSON.stringify({ customer: 'ACME', amountCents: 1250 })))) as APIGatewayProxyStructuredResultV2;
    expect(post.statusCode).toBe(201);
    const created = JSON.parse(post.body!);
    expect(created).toMatchObject({ customer: 'ACME', amountCents: 1250 });
    const list = (await api(httpEvent('GET'))) as APIGatewayProxyStructuredResultV2;
    expect(list.statusCode).toBe(200);
    expect(JSON.parse(list.body!)).toEqual([created]);
    expect(((await api(httpEvent('POST', '{"customer": ""}'))) as APIGatewayProxyStructuredResultV2).statusCode).toBe(400);

    // What the role was not granted fails with insufficient_privilege (42501).
    const db = await connectAsRole();
    try {
      for (const sql of ['UPDATE orders SET amount_cents = 0', 'DELETE FROM orders', 'DROP TABLE orders', 'CREATE TABLE sneaky (id INT)', 'SELECT * FROM schema_migrations', `SELECT * FROM ${ROLE_MAPPINGS_TABLE}`]) {
        await expect(db.client.query(sql)).rejects.toMatchObject({ code: '42501' });
      }
    } finally {
      await db.end();
    }
  });
});

describe('examples/api-role: moving the API to another role', () => {
  const moved = `orders_api_${randomBytes(4).toString('hex')}`;
  let url: string;
  beforeAll(async () => {
    url = await freshDatabase('api_role_move');
  });
  afterAll(() => dropRole(url, moved));

  // 0002 creates the role named by databaseRole once per environment: a new value later does not
  // run it again, but a new environment runs it with that value, before the migration that creates
  // the new role. So the README moves a deployed API with a migration and grantDatabaseRole.
  test('a new databaseRole, with a migration that creates that role, fails on a new environment', async () => {
    const dir = tempDir('api-role-move');
    fs.cpSync(path.join(__dirname, '..', 'examples', 'api-role', 'migrations'), dir, { recursive: true });
    fs.writeFileSync(path.join(dir, '0003_orders_api_role.sql'), `CREATE ROLE ${moved} WITH LOGIN;\nGRANT USAGE ON SCHEMA public TO ${moved};\nGRANT SELECT, INSERT ON orders TO ${moved};\n`);
    const deployed = synthStack(path.join(tempDir('api-role-move-out'), 'cdk.out'), (app) => new ApiRoleStack(app, 'DsqlApiRoleExample', { databaseRole: moved, migrationsPath: dir }));
    await expect(localHandlers(url, deployed.outdir).onEvent(cfnEvent('Create', deployed.properties))).rejects.toThrow(/0003_orders_api_role\.sql:1: statement 1 failed.*already exists/);
    const readme = fs.readFileSync(path.join(__dirname, '..', 'examples', 'api-role', 'README.md'), 'utf8');
    expect(readme).not.toContain('create it in a new migration and change `databaseRole`');
    expect(readme).toContain('set `databaseRole` before the first deploy');
  });
});

/** Roles are global to the server: each test's role goes again with what it owns and was granted. */
async function dropRole(url: string, role: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP OWNED BY ${role}`).catch(() => undefined);
    await client.query(`DROP ROLE IF EXISTS ${role}`);
  } finally {
    await client.end();
  }
}

function httpEvent(method: 'GET' | 'POST', body?: string): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: `${method} /orders`,
    rawPath: '/orders',
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    isBase64Encoded: false,
    body,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method, path: '/orders', protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'jest' },
      requestId: 'request',
      routeKey: `${method} /orders`,
      stage: '$default',
      time: '01/Jan/2026:00:00:00 +0000',
      timeEpoch: 0,
    },
  };
}
