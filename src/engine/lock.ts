import { LOCK_TABLE, SqlSession } from './bookkeeping';
import { MigrationStateError, sleep, withRetries } from './errors';

export interface LeaseOptions {
  /** Who holds the lease, shown to runners that wait (a CloudFormation request id, host and pid, ...). */
  readonly owner: string;
  /** How long a lease lasts without renewal; longer than DSQL's 5-minute transaction cap. @default 600000 */
  readonly leaseMs?: number;
  /** How long to wait for another runner's lease. @default 300000 */
  readonly waitMs?: number;
  /** @default 1000 */
  readonly pollMs?: number;
  readonly onWait?: (holder: { owner: string; acquiredAt: string; expiresAt: string }) => void;
  readonly onRetry?: (code: string | undefined) => void;
}

const LOCK_ID = 'migrations';

/**
 * One runner at a time. DSQL has no advisory or blocking locks (dsql-facts §4), so the lock is a
 * row with an expiry: taken by INSERT on its primary key, or by an UPDATE that succeeds only when
 * the lease has expired or is already ours. Concurrent takers conflict, and OCC (DSQL) or the
 * unique key (PostgreSQL) lets exactly one win. A crashed runner's lease is taken over on expiry.
 */
export class LeaseLock {
  private readonly leaseSeconds: number;
  private lastRenewal = 0;

  constructor(private readonly session: SqlSession, private readonly options: LeaseOptions) {
    this.leaseSeconds = Math.ceil((options.leaseMs ?? 600_000) / 1000);
  }

  public async acquire(): Promise<void> {
    const deadline = Date.now() + (this.options.waitMs ?? 300_000);
    for (;;) {
      if (await withRetries(() => this.tryAcquire(), { onRetry: ({ code }) => this.options.onRetry?.(code) })) {
        this.lastRenewal = Date.now();
        return;
      }
      const holder = await this.holder();
      if (Date.now() >= deadline) {
        throw new MigrationStateError(
          `${LOCK_TABLE} is held by ${holder?.owner ?? 'another runner'} since ${holder?.acquiredAt ?? '?'} (lease until ${holder?.expiresAt ?? '?'}): ` +
            'another deploy or CLI run is applying migrations. Wait for it; a crashed runner\'s lease is taken over when it expires.',
        );
      }
      if (holder) this.options.onWait?.(holder);
      const poll = this.options.pollMs ?? 1000;
      await sleep(poll / 2 + Math.random() * poll);
    }
  }

  /** Extends the lease when a third of it has passed; fails if another runner took it meanwhile. */
  public async renewIfDue(): Promise<void> {
    if (Date.now() - this.lastRenewal < (this.leaseSeconds * 1000) / 3) return;
    const { rows } = await withRetries(
      () => this.session.query(
        `UPDATE ${LOCK_TABLE} SET expires_at = NOW() + ($3::text || ' seconds')::interval WHERE id = $1 AND owner = $2 RETURNING owner`,
        [LOCK_ID, this.options.owner, this.leaseSeconds],
      ),
      { onRetry: ({ code }) => this.options.onRetry?.(code) },
    );
    if (rows.length === 0) throw new MigrationStateError(`Lost the migration lease of ${this.options.owner}: another runner took it over after it expired`);
    this.lastRenewal = Date.now();
  }

  public async release(): Promise<void> {
    await withRetries(() => this.session.query(`DELETE FROM ${LOCK_TABLE} WHERE id = $1 AND owner = $2`, [LOCK_ID, this.options.owner]));
  }

  private async tryAcquire(): Promise<boolean> {
    const taken = await this.session.query(
      `UPDATE ${LOCK_TABLE} SET owner = $2, acquired_at = NOW(), expires_at = NOW() + ($3::text || ' seconds')::interval
       WHERE id = $1 AND (expires_at < NOW() OR owner = $2) RETURNING owner`,
      [LOCK_ID, this.options.owner, this.leaseSeconds],
    );
    if (taken.rows.length > 0) return true;
    try {
      await this.session.query(
        `INSERT INTO ${LOCK_TABLE} (id, owner, acquired_at, expires_at) VALUES ($1, $2, NOW(), NOW() + ($3::text || ' seconds')::interval)`,
        [LOCK_ID, this.options.owner, this.leaseSeconds],
      );
      return true;
    } catch (e) {
      if ((e as { code?: string }).code === '23505') return false; // someone holds it
      throw e;
    }
  }

  private async holder(): Promise<{ owner: string; acquiredAt: string; expiresAt: string } | undefined> {
    const { rows } = await this.session.query(`SELECT owner, acquired_at, expires_at FROM ${LOCK_TABLE} WHERE id = $1`, [LOCK_ID]);
    const r = rows[0];
    if (!r) return undefined;
    const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v));
    return { owner: String(r.owner), acquiredAt: iso(r.acquired_at), expiresAt: iso(r.expires_at) };
  }
}
