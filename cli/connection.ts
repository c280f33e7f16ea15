/**
 * Connections as the CLI and the API open them: a target that cannot be reached is named in the
 * error (host, port, database, or the DSQL endpoint and role), never with its password.
 * No commander here: the API bundle imports this module.
 */
import { ConnectFn, SqlSession } from '../src/engine/runner';

export const dsqlDescription = (endpoint: string, user: string, region: string) => `dsql://${user}@${endpoint} (${region})`;

/**
 * node-postgres emits 'error' on an idle client whose server went away; unhandled, that kills the
 * process. The runner sees the failure on its next query instead, and reconnects.
 * A connection that cannot be opened is reported with the masked target, never the URL.
 */
export function describedConnector(connect: ConnectFn, description: string): ConnectFn {
  return async () => {
    let session: SqlSession;
    try {
      session = await connect();
    } catch (e) {
      throw new ConnectionError(description, e);
    }
    (session as Partial<{ on(event: string, listener: () => void): void }>).on?.('error', () => undefined);
    return session;
  };
}

export class ConnectionError extends Error {
  constructor(public readonly target: string, cause: unknown) {
    const reason = (cause as { message?: string })?.message || String(cause);
    super(`cannot connect to ${target}: ${reason}`);
    this.name = 'ConnectionError';
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
