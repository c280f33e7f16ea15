/**
 * Connections from the command line: no form of a URL prints a secret, a server that never answers
 * times out, and libpq's PG* variables keep the password out of the command line.
 */
import * as net from 'net';
import { Option } from 'commander';
import { createProgram } from '../../cli/program';
import { maskConnectionString, targetOptions } from '../../cli/target';
import { freshDatabase } from '../support/database';
import { cli, EXAMPLE_MIGRATIONS, requireBundles } from './support/cli';

beforeAll(requireBundles);

const SECRET = 's3cret';

/** Malformed and odd URLs, each holding the secret somewhere. */
const URLS: ReadonlyArray<string> = [
  `postgres:user:${SECRET}@127.0.0.1/db`,
  `postgresql:/user:${SECRET}@127.0.0.1/db`,
  `postgresql:///user:${SECRET}@127.0.0.1/db`,
  `postgres//user:${SECRET}@127.0.0.1/db`,
  `user:${SECRET}@127.0.0.1/db`,
  `${SECRET}`,
  ` postgres://user:${SECRET}@127.0.0.1/db`,
  `mysql://root:${SECRET}@127.0.0.1/app`,
  `postgres://user:${SECRET}@127.0.0.1:notaport/db`,
  `postgres://user:${SECRET}@[::1/db`,
  `postgres://user:p@${SECRET}/x@127.0.0.1/db`,
  `postgres://user:${SECRET}@127.0.0.1:1/db?sslpassword=${SECRET}`,
  `postgres://user:${SECRET}@127.0.0.1:1/db#${SECRET}`,
  `POSTGRES://user:${SECRET}@127.0.0.1:1/db`,
];

describe('no form of a URL prints a secret', () => {
  test.each(URLS)('maskConnectionString(%j)', (url) => {
    expect(maskConnectionString(url)).not.toContain(SECRET);
  });

  test('a well-formed URL keeps what helps: user, host, port and database', () => {
    expect(maskConnectionString(`postgres://app:${SECRET}@db.example.com:5433/app?sslmode=require`)).toBe('postgres://app:****@db.example.com:5433/app?...');
    expect(maskConnectionString(`postgres:user:${SECRET}@host/db`)).toBe('postgres:...');
    expect(maskConnectionString(`postgres://user:p@${SECRET}/x@host/db`)).toBe('postgres://...');
  });

  test.each(URLS)('status --url %j: refused or unreachable, the secret never printed', async (url) => {
    const r = await cli(['status', '--dir', EXAMPLE_MIGRATIONS, '--url', url, '--verbose', '--connect-timeout', '5']);
    expect([1, 2]).toContain(r.code);
    expect(r.stderr).toMatch(/error: /);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  });
});

/** The commands that connect, each with what it needs besides a target. */
const CONNECTING: ReadonlyArray<[string, string[]]> = [['status', []], ['plan', []], ['apply', []], ['adopt', ['--from', 'flyway']]];

describe('every command that connects takes the same connection options', () => {
  const spec = (o: Option) => ({ flags: o.flags, description: o.description, env: o.envVar, default: o.defaultValue, choices: o.argChoices });
  const targetFlags = targetOptions().map((o) => o.long);

  test('status, plan, apply and adopt list them alike; no other command has one', () => {
    const program = createProgram();
    const withTarget = program.commands.filter((c) => c.options.some((o) => targetFlags.includes(o.long) && o.long !== '--url'));
    expect(withTarget.map((c) => c.name()).sort()).toEqual(CONNECTING.map(([name]) => name).sort());
    for (const command of withTarget) {
      const options = command.options.filter((o) => targetFlags.includes(o.long));
      expect(options.map(spec)).toEqual(targetOptions().map(spec));
    }
  });

  test.each(CONNECTING)('%s: a bad --endpoint or --dialect is a usage error; --connect-timeout and --dialect reach the connection', async (command, extra) => {
    const args = [command, ...extra, '--dir', EXAMPLE_MIGRATIONS];
    expect((await cli([...args, '--endpoint', 'not a host'])).code).toBe(2);
    expect((await cli([...args, '--url', 'postgres://a@b/c', '--dialect', 'mysql'])).code).toBe(2);
    // Accepts connections and never answers.
    const sockets: net.Socket[] = [];
    const server = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as net.AddressInfo;
      const r = await cli([...args, '--url', `postgres://app:${SECRET}@127.0.0.1:${port}/app`, '--connect-timeout', '1', '--dialect', 'postgresql']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`cannot connect to postgres://app:****@127.0.0.1:${port}/app: no answer within 1 s (--connect-timeout)`);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('connect timeout', () => {
  let server: net.Server;
  let port: number;
  const sockets: net.Socket[] = [];
  beforeAll(async () => {
    // Accepts connections and never answers, as a stuck proxy or a half-open port does.
    server = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  test('--connect-timeout: a server that accepts and never answers fails with a clear message', async () => {
    const r = await cli(['status', '--dir', EXAMPLE_MIGRATIONS, '--url', `postgres://app:${SECRET}@127.0.0.1:${port}/app`, '--connect-timeout', '1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: cannot connect to postgres://app:****@127.0.0.1:${port}/app: no answer within 1 s (--connect-timeout)`);
    expect(r.stderr).not.toContain(SECRET);
  });

  test('DSQL_MIGRATIONS_CONNECT_TIMEOUT sets it from the environment', async () => {
    const r = await cli(['apply', '--dir', EXAMPLE_MIGRATIONS, '--url', `postgres://app@127.0.0.1:${port}/app`], { env: { DSQL_MIGRATIONS_CONNECT_TIMEOUT: '1' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no answer within 1 s');
  });

  test('an invalid timeout is a usage error', async () => {
    const r = await cli(['status', '--dir', EXAMPLE_MIGRATIONS, '--url', 'postgres://a@b/c', '--connect-timeout', 'soon']);
    expect(r.code).toBe(2);
  });
});

describe('libpq PG* variables', () => {
  let url: URL;
  beforeAll(async () => {
    url = new URL(await freshDatabase('cli_pgenv'));
  });
  const pgEnv = () => ({
    PGHOST: url.hostname,
    PGPORT: url.port,
    PGUSER: decodeURIComponent(url.username),
    PGPASSWORD: decodeURIComponent(url.password),
    PGDATABASE: url.pathname.slice(1),
  });

  test('with no --url, PGHOST and the other PG* variables name the target; the password is never shown', async () => {
    const r = await cli(['status', '--dir', EXAMPLE_MIGRATIONS, '--verbose'], { env: pgEnv() });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`target: postgres://${pgEnv().PGUSER}@${url.hostname}:${url.port}/${pgEnv().PGDATABASE} (from PG* variables)`);
    expect(r.stdout + r.stderr).not.toContain(pgEnv().PGPASSWORD);
  });

  test('a URL without a password takes it from PGPASSWORD, as psql does', async () => {
    const bare = `postgres://${url.username}@${url.host}${url.pathname}`;
    const r = await cli(['status', '--dir', EXAMPLE_MIGRATIONS, '--url', bare], { env: { PGPASSWORD: pgEnv().PGPASSWORD } });
    expect(r.code).toBe(0);
  });
});
