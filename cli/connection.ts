/**
 * Connections as the CLI and the API open them: a target that cannot be reached is named in the
 * error (host, port, database, or the DSQL endpoint and role), never with its password.
 * No commander here: the API bundle imports this module.
 */
import { ConnectFn } from '../src/engine';

export const dsqlDescription = (endpoint: string, user: string, region: string) => `dsql://${user}@${endpoint} (${region})`;

/**
 * A connection that cannot be opened is reported with the masked target, never the URL; one that
 * timed out says so, with the option that sets the time.
 */
export function describedConnector(connect: ConnectFn, description: string, connectTimeoutMs?: number): ConnectFn {
  return async () => {
    const started = Date.now();
    try {
      return await connect();
    } catch (e) {
      // node-postgres says only "Connection terminated due to connection timeout" or "timeout expired".
      const timedOut = connectTimeoutMs !== undefined && /timeout/i.test((e as Error)?.message ?? '') && Date.now() - started >= connectTimeoutMs;
      throw new ConnectionError(description, timedOut ? new Error(`no answer within ${connectTimeoutMs / 1000} s (--connect-timeout)`) : e);
    }
  };
}

export class ConnectionError extends Error {
  /** The cause's code (ECONNREFUSED, 57P03, 28P01, ...): the runner retries a reconnection the server refused. */
  public readonly code: string | undefined;
  constructor(public readonly target: string, cause: unknown) {
    const reason = (cause as { message?: string })?.message || String(cause);
    super(`cannot connect to ${target}: ${reason}`);
    this.name = 'ConnectionError';
    this.code = (cause as { code?: string })?.code;
  }
}

/**
 * `postgres://app:****@db:5432/app`: user, host, port and database; the password, query string and
 * fragment left out. Anything that is not such a URL shows at most its scheme: a password may be
 * anywhere in a malformed one (`postgres:user:password@host`, a `/` or `@` in the password).
 */
export function maskConnectionString(url: string): string {
  const scheme = /^([a-z][a-z0-9+.-]{0,19}):\/\//i.exec(url)?.[1];
  if (scheme === undefined) {
    const postgres = /^(postgres(?:ql)?):/i.exec(url)?.[1];
    return postgres ? `${postgres}:...` : '...';
  }
  const u = parseUrl(url);
  if (!u) return `${scheme}://...`;
  const auth = u.username ? `${safeDecode(u.username)}${u.password ? ':****' : ''}@` : u.password ? ':****@' : '';
  return `${u.protocol}//${auth}${u.host}${u.pathname}${u.search ? '?...' : ''}`;
}

/**
 * The URL, or undefined when it cannot be parsed or an `@` follows the host: a `/`, `?` or `#` in
 * the password cut the authority short, and part of the password would be taken for the host.
 */
export function parseUrl(url: string): URL | undefined {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname}`.includes('@') ? undefined : u;
  } catch {
    return undefined;
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
