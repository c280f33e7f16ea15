import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Stack, aws_iam as iam } from 'aws-cdk-lib';
import { Client } from 'pg';
import { postgresConnector } from '../connectors';
import { DsqlDatabase } from '../src';
import { freshDatabase, queryRows as query } from './support/database';
import { cfnEvent, localHandlers, synthStack, tempDir } from './support/harness';
import { instrumentedConnector, QueryLog } from './support/sessions';
import { ROLE_MAPPINGS_TABLE, syncRoleMappings } from '../src/engine/role-mappings';
import { RunnerEvent } from '../src/engine/runner';

// Roles are global to a PostgreSQL server, which the test files share: this run's get names of
// their own, and each test its own roles (its migrations create them in a fresh database).
const suffix = randomBytes(4).toString('hex');
const created: string[] = [];
function rolesFor(test: string) {
  const names = { reader: `${test}_reader_${suffix}`, writer: `${test}_writer_${suffix}` };
  created.push(names.reader, names.writer);
  return names;
}

/** A stack whose migrations create the two roles, and whose two IAM roles (Api, Jobs) are mapped as `mappings` says. */
function deployable(roles: { reader: string; writer: string }, mappings: Array<[principal: 'Api' | 'Jobs', databaseRole: string]>) {
  const dir = tempDir('role-mappings');
  fs.writeFileSync(path.join(dir, '0001_items.sql'), 'CREATE TABLE items (id INT PRIMARY KEY, label TEXT);\n');
  fs.writeFileSync(path.join(dir, '0002_roles.sql'), `CREATE ROLE ${roles.reader} WITH LOGIN;\nCREATE ROLE ${roles.writer} WITH LOGIN;
GRANT SELECT ON items TO ${roles.reader};\nGRANT SELECT, INSERT ON items TO ${roles.writer};\n`);
  return synthStack(path.join(tempDir('role-mappings-out'), 'cdk.out'), (app) => {
    const stack = new Stack(app, 'RoleMappings', { env: { account: '123456789012', region: 'us-east-1' } });
    const db = new DsqlDatabase(stack, 'Db', { migrationsPath: dir });
    const principals = {
      Api: new iam.Role(stack, 'Api', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }),
      Jobs: new iam.Role(stack, 'Jobs', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }),
    };
    for (const [principal, role] of mappings) db.grantDatabaseRole(principals[principal], role);
    return stack;
  });
}

const arnOf = (s: ReturnType<typeof deployable>, principal: 'Api' | 'Jobs') =>
  `arn:aws:iam::123456789012:role/${s.stack.getLogicalId(s.stack.node.findChild(principal).node.defaultChild as iam.CfnRole)}`;
const recordedMappings = async (url: string) =>
  (await query(url, `SELECT role_name, principal_arn FROM ${ROLE_MAPPINGS_TABLE} ORDER BY 1, 2`)).map((r) => `${r.role_name} ${r.principal_arn}`);

describe('role mappings through the handler on PostgreSQL 16', () => {
  const databases: string[] = [];
  const database = async (prefix: string) => {
    const url = await freshDatabase(prefix);
    databases.push(url);
    return url;
  };
  afterAll(async () => {
    for (const url of databases) {
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        for (const role of created) await client.query(`DROP OWNED BY ${role}`).catch(() => undefined);
      } finally {
        await client.end();
      }
    }
    for (const role of created) await query(databases[0], `DROP ROLE IF EXISTS ${role}`);
  });

  test('Create records the mappings after the migrations; Updates add, change and remove them; the same Update again changes nothing', async () => {
    const logs: RunnerEvent[] = [];
    const log = (e: unknown) => logs.push(e as RunnerEvent);
    const mappingLogs = () => logs.splice(0).filter((e) => e.event === 'role-mapping').map((e) => `${e.action} ${e.role} ${e.principal} sent=${e.sent}`);

    const url = await database('role_mappings');
    const { reader: READER, writer: WRITER } = rolesFor('change');
    const first = deployable({ reader: READER, writer: WRITER }, [['Api', WRITER]]);
    const api = arnOf(first, 'Api');
    const jobs = arnOf(first, 'Jobs');
    await localHandlers(url, first.outdir, log).onEvent(cfnEvent('Create', first.properties));
    expect(await recordedMappings(url)).toEqual([`${WRITER} ${api}`]);
    // One line per mapping on PostgreSQL, saying the statement was not sent.
    expect(logs.find((e) => e.event === 'role-mapping')?.reason).toBe('AWS IAM GRANT exists on Aurora DSQL only; recorded without sending it');
    expect(mappingLogs()).toEqual([`grant ${WRITER} ${api} sent=false`]);

    // Add one mapping and change another: the API becomes a reader, the jobs a writer.
    const second = deployable({ reader: READER, writer: WRITER }, [['Api', READER], ['Jobs', WRITER]]);
    const update = cfnEvent('Update', second.properties, { oldProperties: first.properties });
    await localHandlers(url, second.outdir, log).onEvent(update);
    expect(await recordedMappings(url)).toEqual([`${READER} ${api}`, `${WRITER} ${jobs}`]);
    expect(mappingLogs()).toEqual([`grant ${READER} ${api} sent=false`, `grant ${WRITER} ${jobs} sent=false`, `revoke ${WRITER} ${api} sent=false`]);

    await localHandlers(url, second.outdir, log).onEvent(update);
    expect(await recordedMappings(url)).toEqual([`${READER} ${api}`, `${WRITER} ${jobs}`]);
    expect(mappingLogs()).toEqual([]);

    // The last mappings removed: the property is gone, and both are revoked.
    const third = deployable({ reader: READER, writer: WRITER }, []);
    expect(third.properties.RoleMappings).toBeUndefined();
    await localHandlers(url, third.outdir, log).onEvent(cfnEvent('Update', third.properties, { oldProperties: second.properties }));
    expect(await recordedMappings(url)).toEqual([]);
    expect(mappingLogs().sort()).toEqual([`revoke ${READER} ${api} sent=false`, `revoke ${WRITER} ${jobs} sent=false`]);
  });

  test('a role no migration created fails the deploy naming it, and no mapping changes', async () => {
    const other = await database('role_mappings_missing');
    const roles = rolesFor('missing');
    const MISSING = `nobody_${suffix}`;
    const stack = deployable(roles, [['Api', roles.reader], ['Jobs', MISSING]]);
    await expect(localHandlers(other, stack.outdir).onEvent(cfnEvent('Create', stack.properties))).rejects.toThrow(
      `database role "${MISSING}" does not exist, so no IAM principal can be mapped to it: a migration must create it (CREATE ROLE ${MISSING} WITH LOGIN`,
    );
    expect(await recordedMappings(other)).toEqual([]);
    // The migrations themselves were applied and recorded.
    expect((await query(other, 'SELECT version FROM schema_migrations ORDER BY 1')).map((r) => r.version)).toEqual(['0001', '0002']);
  });

  test('a stack without mappings creates no table for them', async () => {
    const other = await database('role_mappings_none');
    const stack = deployable(rolesFor('none'), []);
    await localHandlers(other, stack.outdir).onEvent(cfnEvent('Create', stack.properties));
    expect(await query(other, `SELECT to_regclass('${ROLE_MAPPINGS_TABLE}') AS t`)).toEqual([{ t: null }]);
  });

  test('an Update with no mappings before or after sends the role mappings nothing: the no-op deploy stays at its own queries', async () => {
    const other = await database('role_mappings_noop');
    const stack = deployable(rolesFor('noop'), []);
    await localHandlers(other, stack.outdir).onEvent(cfnEvent('Create', stack.properties));
    const log: QueryLog = { queries: [] };
    const handlers = localHandlers(other, stack.outdir, undefined, { connect: () => instrumentedConnector(other, {}, log) });
    await handlers.onEvent(cfnEvent('Update', stack.properties, { oldProperties: stack.properties }));
    // A deploy with nothing to do sends two queries (README, "Repeatable files"): the catalog check and the state.
    expect(log.queries).toHaveLength(2);
    expect(log.queries.filter((q) => /count\(\*\)::int AS n FROM pg_catalog\.pg_class/.test(q))).toEqual([]);
  });

  test('with dialect dsql the AWS IAM statements are sent, each on its own; one already in place counts as done', async () => {
    const other = await database('role_mappings_dsql');
    const role = rolesFor('dsql').reader;
    await query(other, `CREATE ROLE ${role}`);
    const sent: string[] = [];
    // PostgreSQL has no AWS IAM syntax: this connection takes those statements as DSQL would, and
    // answers 42710 (duplicate_object) for a mapping that is already there.
    const connect = async () => {
      const session = await postgresConnector(other)();
      return {
        query: async (text: string, params?: unknown[]) => {
          if (!text.startsWith('AWS IAM')) return session.query(text, params);
          sent.push(text);
          if (text.startsWith('AWS IAM GRANT') && text.includes('already')) throw Object.assign(new Error('mapping exists'), { code: '42710' });
          return { rows: [] };
        },
        end: () => session.end(),
      };
    };
    const arn = 'arn:aws:iam::123456789012:role/api';
    {
      await syncRoleMappings(connect, [{ databaseRole: role, principalArn: arn }, { databaseRole: role, principalArn: 'arn:aws:iam::123456789012:role/already' }], { dialect: 'dsql' });
      expect(sent).toEqual([`AWS IAM GRANT "${role}" TO '${arn}'`, `AWS IAM GRANT "${role}" TO 'arn:aws:iam::123456789012:role/already'`]);
      await syncRoleMappings(connect, [], { dialect: 'dsql' });
      expect(sent.slice(2).sort()).toEqual([`AWS IAM REVOKE "${role}" FROM 'arn:aws:iam::123456789012:role/already'`, `AWS IAM REVOKE "${role}" FROM '${arn}'`]);
      expect(await recordedMappings(other)).toEqual([]);
    }
  });
});
