/**
 * Connections as the CLI and the API open them: a target that cannot be reached is named in the
 * error (host, port, database, or the DSQL endpoint and role), never with its password.
 * No commander here: the API bundle imports this module.
 */
import { ConnectFn } from '../src/engine/runner';

export const dsqlDescription = (endpoint: string, user: string, region: string) => `dsql://${user}@${endpoint} (${region})`;

/** A connection that cannot be opened is reported with the masked target, never the URL. */
export function describedConnector(connect: ConnectFn, description: string): ConnectFn {
  return async () => {
    try {
      return await connect();
    } catch (e) {
      throw new ConnectionError(description, e);
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

/** `postgres://app:****@db:5432/app`: user, host, port and database; the password and query string left out. */
export function maskConnectionString(url: string): string {
  try {
    const u = new URL(url);
    const auth = u.username ? `${decodeURIComponent(u.username)}${u.password ? ':****' : ''}@` : '';
    return `${u.protocol}//${auth}${u.host}${u.pathname}${u.search ? '?...' : ''}`;
  } catch {
    // Not a URL we can parse: show only the scheme, since anything after it may hold a password.
    return `${url.split(':')[0]}://...`;
  }
}
