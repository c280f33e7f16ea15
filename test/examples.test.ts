import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { Client } from 'pg';
import { postgresConnector } from '../connectors';
import { freshDatabase } from './support/database';
import { tempDir } from './support/harness';
import { createApi, Db } from '../examples/api-role/api';
import { API_DATABASE_ROLE, ApiRoleStack } from '../examples/api-role/app';
import { fillPlaceholders } from '../examples/api-role/placeholders';
import { loadMigrations } from '../src/engine/migration-set';
import { applyMigrationSet } from '../src/engine/runner';

const ENV = { account: '123456789012', region: 'us-east-1' };
const SOURCE_MIGRATIONS = path.join(__dirname, '..', 'examples', 'api-role', 'migrations');

function synth(props: ConstructorParameters<typeof ApiRoleStack>[2] = { env: ENV }) {
  const app = new App();
  const stack = new ApiRoleStack(app, 'DsqlApiRoleExample', props);
  return { stack, template: Template.fromStack(stack) };
}

describe('examples/api-role: synthesized', () => {
  const { stack, template } = synth();
  const apiRoleId = stack.getLogicalId(stack.apiRole.node.defaultChild as any);
  const clusterId = stack.getLogicalId(stack.db.cluster.cfnCluster);

  test("the API function's role may dsql:DbConnect on this cluster only, and write its own log group", () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Role: { 'Fn::GetAtt': [apiRoleId, 'Arn'] },
      Environment: { Variables: { DB_ROLE: API_DATABASE_ROLE, DSQL_ENDPOINT: Match.anyValue() } },
    });
    const policies = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: apiRoleId }] } }));
    const statements = policies.flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const logGroupId = stack.getLogicalId(stack.apiFunction.logGroup.node.defaultChild as any);
    expect(statements).toEqual([
      { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] } },
      { Action: 'dsql:DbConnect', Effect: 'Allow', Resource: { 'Fn::GetAtt': [clusterId, 'ResourceArn'] } },
    ]);
    // No managed policy (AWSLambdaBasicExecutionRole or other) on the role.
    expect(template.toJSON().Resources[apiRoleId].Properties.ManagedPolicyArns).toBeUndefined();
  });

  test('the migration maps exactly the role the stack creates, and runs after the role exists', () => {
    expect(stack.apiRoleArn).toBe('arn:aws:iam::123456789012:role/DsqlApiRoleExample-api-us-east-1');
    template.hasResourceProperties('AWS::IAM::Role', { RoleName: 'DsqlApiRoleExample-api-us-east-1' });
    const [resource] = Object.values(template.findResources('Custom::DsqlMigrations')) as any[];
    expect(resource.DependsOn).toContain(apiRoleId);
    const filled = loadMigrations(fillPlaceholders(SOURCE_MIGRATIONS, { api_role_arn: stack.apiRoleArn }));
    expect(resource.Properties.MigrationSetHash).toBe(stack.db.migrations.migrationSetHash);
    const grant = filled.find((m) => m.sql.includes('AWS IAM GRANT'))!;
    expect(grant.sql).toContain(`AWS IAM GRANT ${API_DATABASE_ROLE} TO '${stack.apiRoleArn}';`);
  });

  test('the same inputs give the same migration set; another account gives another', () => {
    expect(synth().stack.db.migrations.migrationSetHash).toBe(stack.db.migrations.migrationSetHash);
    expect(synth({ env: { ...ENV, account: '210987654321' } }).stack.db.migrations.migrationSetHash).not.toBe(stack.db.migrations.migrationSetHash);
  });

  test('an environment-agnostic stack is refused: the ARN in the migration needs the account', () => {
    expect(() => new ApiRoleStack(new App(), 'Agnostic')).toThrow(/set env.account and env.region/);
  });

  test('a placeholder without a value fails the synth', () => {
    const dir = tempDir('api-role-placeholders');
    fs.writeFileSync(path.join(dir, '0001_grant.sql'), "AWS IAM GRANT app_user TO '${other_arn}';\n");
    expect(() => fillPlaceholders(dir, { api_role_arn: 'arn:aws:iam::123456789012:role/x' })).toThrow(/no value for placeholder \$\{other_arn\}/);
    expect(() => fillPlaceholders(dir, { other_arn: "x'; DROP TABLE orders; --" })).toThrow(/may not contain quotes/);
  });
});

describe('examples/api-role: migrations on PostgreSQL 16', () => {
  // Roles are global to a PostgreSQL server, which the test files share and which may be a
  // long-lived server (DSQL_MIGRATIONS_TEST_DATABASE_URL): this run's role gets a name of its own.
  const role = `app_user_${randomBytes(4).toString('hex')}`;
  let url: string;

  /** The example's files, filled in as the stack does, with this run's role name. */
  function migrationsForThisRun(): string {
    const filled = fillPlaceholders(SOURCE_MIGRATIONS, { api_role_arn: 'arn:aws:iam::123456789012:role/DsqlApiRoleExample-api-us-east-1' });
    const dir = tempDir('api-role-migrations');
    for (const f of fs.readdirSync(filled)) {
      fs.writeFileSync(path.join(dir, f), fs.readFileSync(path.join(filled, f), 'utf8').replace(/\bapp_user\b/g, role));
    }
    return dir;
  }

  /** A connection that acts as the API's database role, as DSQL's DbConnect login as app_user would. */
  async function connectAsRole(): Promise<Db & { client: Client }> {
    const client = new Client({ connectionString: url });
    await client.connect();
    await client.query(`SET ROLE ${role}`);
    return { client, query: (text, params) => client.query(text, params), end: () => client.end() };
  }

  beforeAll(async () => {
    url = await freshDatabase('api_role');
  });

  afterAll(async () => {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`DROP OWNED BY ${role}`);
      await client.query(`DROP ROLE IF EXISTS ${role}`);
    } finally {
      await client.end();
    }
  });

  test('apply (AWS IAM GRANT is skipped on PostgreSQL), then the API works as the role and can do no more', async () => {
    const result = await applyMigrationSet(postgresConnector(url), loadMigrations(migrationsForThisRun()), { dialect: 'postgresql', strict: true });
    expect(result.latestVersion).toBe('0002');
    expect(result.applied.map((m) => m.version)).toEqual(['0001', '0002']);

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
      for (const sql of ['UPDATE orders SET amount_cents = 0', 'DELETE FROM orders', 'DROP TABLE orders', 'CREATE TABLE sneaky (id INT)', 'SELECT * FROM schema_migrations']) {
        await expect(db.client.query(sql)).rejects.toMatchObject({ code: '42501' });
      }
    } finally {
      await db.end();
    }
  });
});

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
