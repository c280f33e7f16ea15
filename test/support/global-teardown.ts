import type { LocalPostgres } from './local-postgres';

export default async function globalTeardown(): Promise<void> {
  const server = (globalThis as { __LOCAL_POSTGRES__?: LocalPostgres }).__LOCAL_POSTGRES__;
  await server?.stop();
}
