import { DsqlSigner } from '@aws-sdk/dsql-signer';
import { envSigner } from '../../connectors/env-signer';

// AWS's documented example keys: not real credentials.
const credentials = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE/session+token==',
};
const target = { hostname: 'abcdefghijklmnopqrstuvwxyz.dsql.eu-west-1.on.aws', region: 'eu-west-1' };
const VARIABLES = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'] as const;

describe('environment-credentials token signer (Lambda)', () => {
  const saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));
  function setEnv(values: Partial<Record<(typeof VARIABLES)[number], string>>): void {
    for (const name of VARIABLES) {
      if (values[name] === undefined) delete process.env[name];
      else process.env[name] = values[name];
    }
  }
  beforeEach(() => {
    // A fixed signing time: both signers stamp X-Amz-Date from the clock.
    jest.useFakeTimers({ now: new Date('2026-12-02T03:04:05Z') });
  });
  afterEach(() => {
    jest.useRealTimers();
    setEnv(saved);
  });

  test('the admin token with a session token is byte-identical to the SDK DsqlSigner token', async () => {
    const { accessKeyId, secretAccessKey, sessionToken } = credentials;
    setEnv({ AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken });
    const expected = await new DsqlSigner({ ...target, credentials }).getDbConnectAdminAuthToken();
    const token = await envSigner(target).getDbConnectAdminAuthToken();
    expect(token).toBe(expected);
    expect(token.startsWith(`${target.hostname}/?Action=DbConnectAdmin&`)).toBe(true);
    expect(new URLSearchParams(token.slice(token.indexOf('?') + 1)).get('X-Amz-Security-Token')).toBe(credentials.sessionToken);
  });

  test('a custom role token without a session token is byte-identical to the SDK DsqlSigner token', async () => {
    setEnv({ AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey });
    const { sessionToken: _none, ...longTerm } = credentials;
    const expected = await new DsqlSigner({ ...target, credentials: longTerm }).getDbConnectAuthToken();
    const token = await envSigner(target).getDbConnectAuthToken();
    expect(token).toBe(expected);
    expect(token).toContain('Action=DbConnect&');
    expect(token).not.toContain('X-Amz-Security-Token');
  });

  test('a token signed later carries the later time', async () => {
    setEnv({ AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey });
    const signer = envSigner(target);
    const first = await signer.getDbConnectAdminAuthToken();
    jest.advanceTimersByTime(60_000);
    const second = await signer.getDbConnectAdminAuthToken();
    expect(new URLSearchParams(first.split('?')[1]).get('X-Amz-Date')).toBe('20261202T030405Z');
    expect(new URLSearchParams(second.split('?')[1]).get('X-Amz-Date')).toBe('20261202T030505Z');
  });

  test('a missing secret key fails naming the variable, without printing any credential', async () => {
    setEnv({ AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SESSION_TOKEN: credentials.sessionToken });
    const error: Error = await envSigner(target).getDbConnectAdminAuthToken().then(() => new Error('signed'), (e: Error) => e);
    expect(error.message).toMatch(/^Cannot sign a DSQL auth token: AWS_SECRET_ACCESS_KEY is not set in the environment/);
    expect(error.message).not.toContain(credentials.accessKeyId);
    expect(error.message).not.toContain(credentials.sessionToken);
  });

  test('missing keys fail naming both variables', async () => {
    setEnv({ AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey });
    const keyMissing: Error = await envSigner(target).getDbConnectAuthToken().then(() => new Error('signed'), (e: Error) => e);
    expect(keyMissing.message).toMatch(/^Cannot sign a DSQL auth token: AWS_ACCESS_KEY_ID is not set/);
    expect(keyMissing.message).not.toContain(credentials.secretAccessKey);
    setEnv({});
    const error: Error = await envSigner(target).getDbConnectAuthToken().then(() => new Error('signed'), (e: Error) => e);
    expect(error.message).toContain('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set');
  });
});
