import { DsqlSigner } from '@aws-sdk/dsql-signer';
import { dsqlConnector, tokenProvider } from '../connectors';
import { DATABASE_URL_ENV } from './support/local-postgres';

const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const endpoint = 'abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws';

describe('DSQL connection', () => {
  test('admin tokens are DbConnectAdmin presigned URLs without the scheme, signed offline', async () => {
    const signer = new DsqlSigner({ hostname: endpoint, region: 'us-east-1', credentials });
    const token = await tokenProvider({ endpoint, region: 'us-east-1', signer })();
    expect(token.startsWith(`${endpoint}/?Action=DbConnectAdmin&`)).toBe(true);
    const params = new URLSearchParams(token.slice(token.indexOf('?') + 1));
    expect(params.get('X-Amz-Credential')).toMatch(/^AKIAIOSFODNN7EXAMPLE\/\d{8}\/us-east-1\/dsql\/aws4_request$/);
    expect(params.get('X-Amz-Expires')).toBe('900');
    expect(params.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  });

  test('other roles get DbConnect tokens', async () => {
    const signer = new DsqlSigner({ hostname: endpoint, region: 'us-east-1', credentials });
    const token = await tokenProvider({ endpoint, region: 'us-east-1', signer, user: 'app_user' })();
    expect(token).toContain('Action=DbConnect&');
  });

  test('each connection signs a new token', async () => {
    const signer = new DsqlSigner({ hostname: endpoint, region: 'us-east-1', credentials });
    const spy = jest.spyOn(signer, 'getDbConnectAdminAuthToken');
    const server = new URL(process.env[DATABASE_URL_ENV]!);
    const connect = dsqlConnector({ endpoint: server.hostname, port: Number(server.port), region: 'us-east-1', signer });
    // The local server has no TLS: the connector refuses to go on without it, as DSQL requires TLS.
    await expect(connect()).rejects.toThrow('The server does not support SSL connections');
    await expect(connect()).rejects.toThrow();
    expect(spy).toHaveBeenCalledTimes(2);
  });
});
