import { SqlSession } from './bookkeeping';
import { isConnectionLost, sleep } from './errors';

/** Opens a new connection. Production makes a fresh IAM token for each call (docs/dsql-facts.md §5). */
export type ConnectFn = () => Promise<SqlSession>;

/**
 * Opens a connection again after one was lost. A server that restarts refuses connections for a
 * while (ECONNREFUSED, 57P03 "the database system is shutting down" or "starting up"), so refusals
 * are retried with jittered exponential backoff until `windowMs` has passed; other errors (a wrong
 * password, a missing database) fail at once.
 */
export async function reconnect(
  connect: ConnectFn, windowMs: number, onRefused?: (code: string | undefined, delayMs: number) => void,
): Promise<SqlSession> {
  const giveUpAt = Date.now() + windowMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await connect();
    } catch (e) {
      const delayMs = Math.round((0.5 + Math.random() / 2) * Math.min(5_000, 100 * 2 ** attempt));
      if (!isConnectionLost(e) || Date.now() + delayMs > giveUpAt) throw e;
      onRefused?.((e as { code?: string }).code, delayMs);
      await sleep(delayMs);
    }
  }
}
