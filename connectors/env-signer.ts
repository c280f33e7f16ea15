import { createHash, createHmac, Hash, Hmac } from 'node:crypto';
import { buildQueryString, HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import { SignerFactory, TokenSigner } from './dsql';

/**
 * Signs DSQL tokens with the credentials in the environment, as the Lambda runtime provides them
 * from the function's role. It makes the same token as `DsqlSigner` of @aws-sdk/dsql-signer (a SigV4
 * presigned `GET https://<hostname>/?Action=DbConnect[Admin]` for service `dsql`, valid 900 seconds,
 * written without the scheme: docs/dsql-facts.md §5) without the SDK's default credential chain, which
 * is most of the handler bundle and of its cold start.
 */
export const envSigner: SignerFactory = ({ hostname, region }) => new EnvTokenSigner(hostname, region);

/** The variables the Lambda runtime sets from the execution role. */
const ACCESS_KEY = 'AWS_ACCESS_KEY_ID';
const SECRET_KEY = 'AWS_SECRET_ACCESS_KEY';
const SESSION_TOKEN = 'AWS_SESSION_TOKEN';

class EnvTokenSigner implements TokenSigner {
  constructor(private readonly hostname: string, private readonly region: string, private readonly env: NodeJS.ProcessEnv = process.env) {}

  getDbConnectAuthToken(): Promise<string> {
    return this.token('DbConnect');
  }

  getDbConnectAdminAuthToken(): Promise<string> {
    return this.token('DbConnectAdmin');
  }

  private async token(action: string): Promise<string> {
    const signer = new SignatureV4({ service: 'dsql', region: this.region, credentials: envCredentials(this.env), sha256: Sha256 });
    const request = new HttpRequest({ method: 'GET', protocol: 'https:', hostname: this.hostname, query: { Action: action }, headers: { host: this.hostname } });
    const presigned = await signer.presign(request, { expiresIn: 900 });
    return `${presigned.hostname}${presigned.path}?${buildQueryString(presigned.query ?? {})}`;
  }
}

/** Read at each token, so the values are the runtime's current ones. The error names the variable, never a value. */
export function envCredentials(env: NodeJS.ProcessEnv): { accessKeyId: string; secretAccessKey: string; sessionToken?: string } {
  const missing = [ACCESS_KEY, SECRET_KEY].filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new Error(`Cannot sign a DSQL auth token: ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set in the environment (the Lambda runtime sets ${ACCESS_KEY}, ${SECRET_KEY} and ${SESSION_TOKEN} from the function's role)`);
  }
  return { accessKeyId: env[ACCESS_KEY]!, secretAccessKey: env[SECRET_KEY]!, sessionToken: env[SESSION_TOKEN] || undefined };
}

type SourceData = string | ArrayBuffer | ArrayBufferView;

/** SHA-256 (or HMAC-SHA-256 when given a key) from node:crypto, in the shape SignatureV4 takes as `sha256`. */
class Sha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(this.secret));
  }
}

function bytes(data: SourceData): string | Uint8Array {
  if (typeof data === 'string') return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}
