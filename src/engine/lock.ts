import { LOCK_TABLE, SqlSession } from './bookkeeping';
import { ConnectFn, reconnect } from './connect';
import { isConnectionLost, MigrationStateError, sleep, withRetries } from './errors';

export interface LeaseHolder {
  readonly owner: string;
  readonly acquiredAt: string;
  readonly expiresAt: string;
}

export interface LeaseOptions {
  /** Who holds the lease, shown to runners that wait (a CloudFormation request id, host and pid, ...). */
  readonly owner: string;
  /** How long the lease lasts without renewal: how long a runner that died blocks the next one. @default 30000 */
  readonly leaseMs?: number;
  /**
   * Renew the lease every third of `leaseMs` on a connection of its own, whatever the runner's
   * statements take. Without it (a caller's single connection), the lease is renewed between statements.
   * @default true
   */
  readonly heartbeat?: boolean;
  /** Lock the lease row until the commit that checks it (PostgreSQL: FOR SHARE; DSQL has no such lock). */
  readonly lockRow?: boolean;
  /** How long to wait for another runner's lease. @default 300000 */
  readonly waitMs?: number;
  /** @default 1000 */
  readonly pollMs?: number;
  /** While waiting, how often to report it again. @default 30000 */
  readonly waitLogMs?: number;
  /** How long to keep trying to reconnect the lease's own connection. @default 60000 */
  readonly reconnectMs?: number;
  /** Aborting stops a wait for the lease. */
  readonly signal?: AbortSignal;
  /** Told once when waiting starts, then every `waitLogMs`. */
  readonly onWait?: (holder: LeaseHolder & { readonly first: boolean; readonly waitedMs: number }) => void;
  readonly onRetry?: (code: string | undefined) => void;
  readonly onReconnect?: (code: string | undefined) => void;
}

/** The lease was taken over or could not be renewed in time: this runner must commit nothing more. */
export class LeaseLostError extends MigrationStateError {
  constructor(owner: string, reason: string) {
    super(`Lost the migration lease of ${owner}: ${reason}. Stopped before committing anything more; the next run resumes where this one stopped.`);
    this.name = 'LeaseLostError';
  }
}

const LOCK_ID = 'migrations';

/**
 * One runner at a time. DSQL has no advisory or blocking locks (docs/dsql-facts.md §4), so the lock is a
 * row with an expiry: taken by INSERT on its primary key, or by an UPDATE that succeeds only when
 * the lease has expired or is already ours. Concurrent takers conflict, and OCC (DSQL) or the
 * unique key (PostgreSQL) lets exactly one win.
 *
 * The lease is short (30 s), so a runner that died blocks the next one briefly; a heartbeat on its
 * own connection keeps it while the runner's statements take as long as they take. The runner
 * checks the lease before each commit of its bookkeeping (`confirm`), and stops once the
 * heartbeat has not renewed it with a sixth of the lease to spare, before another runner can take it.
 */
export class LeaseLock {
  private readonly leaseMs: number;
  private session: SqlSession | undefined;
  private held = false;
  /** Local time before which the lease certainly holds (the server's expiry is later). */
  private validUntil = 0;
  private lost: string | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private renewal: Promise<void> | undefined;

  constructor(private readonly connect: ConnectFn, private readonly options: LeaseOptions) {
    this.leaseMs = options.leaseMs ?? 30_000;
  }

  public get isHeld(): boolean {
    return this.held;
  }

  public async acquire(): Promise<void> {
    const started = Date.now();
    const deadline = started + (this.options.waitMs ?? 300_000);
    let nextReport = started;
    for (;;) {
      this.options.signal?.throwIfAborted();
      const sent = Date.now();
      if (await this.use((s) => withRetries(() => this.tryAcquire(s), { onRetry: ({ code }) => this.options.onRetry?.(code) }))) {
        this.held = true;
        this.lost = undefined;
        this.validUntil = sent + this.leaseMs;
        this.scheduleHeartbeat();
        return;
      }
      const holder = await this.use((s) => this.holder(s));
      const now = Date.now();
      if (now >= deadline) {
        throw new MigrationStateError(
          `${LOCK_TABLE} is held by ${holder?.owner ?? 'another runner'} since ${holder?.acquiredAt ?? '?'} (lease until ${holder?.expiresAt ?? '?'}): ` +
            'another deploy or CLI run is applying migrations. Wait for it; the lease of a runner that stopped expires within ' +
            `${Math.round(this.leaseMs / 1000)} seconds and is then taken over.`,
        );
      }
      if (holder && now >= nextReport) {
        this.options.onWait?.({ ...holder, first: nextReport === started, waitedMs: now - started });
        nextReport = now + (this.options.waitLogMs ?? 30_000);
      }
      const poll = this.options.pollMs ?? 1000;
      await sleep(poll / 2 + Math.random() * poll);
    }
  }

  /** Between statements: fails once the lease is lost; without a heartbeat, renews it when due. */
  public async keep(): Promise<void> {
    if (this.options.heartbeat === false && Date.now() >= this.validUntil - (this.leaseMs * 2) / 3) await this.renew();
    this.assertHeld();
  }

  /**
   * In the transaction that commits the runner's bookkeeping: the lease is still ours. On
   * PostgreSQL the row stays locked until that commit, so a runner taking over an expired lease
   * waits for it and then sees what it committed.
   */
  public async confirm(session: SqlSession): Promise<void> {
    const check = this.condition(1);
    const { rows } = await session.query(`SELECT 1 AS held WHERE ${check.sql}`, check.params);
    if (rows.length === 0) this.takenOver();
    this.assertHeld();
  }

  /**
   * The same check as `confirm`, as a condition for the bookkeeping write that commits with it
   * (one round trip instead of two), its parameters numbered from `firstParam`. A write that
   * changes no row under it calls `takenOver`.
   */
  public condition(firstParam: number): { sql: string; params: unknown[] } {
    this.assertHeld();
    return {
      sql: `EXISTS (SELECT 1 FROM ${LOCK_TABLE} WHERE id = $${firstParam} AND owner = $${firstParam + 1}${this.options.lockRow ? ' FOR SHARE' : ''})`,
      params: [LOCK_ID, this.options.owner],
    };
  }

  /**
   * `condition` for a check that runs after statements sent in the same message (one-message.ts):
   * the runner cannot check the time between them, so the server does, as `assertHeld` would: the
   * lease must still have a sixth of its time left (with the heartbeat on).
   */
  public conditionAtCommit(firstParam: number): { sql: string; params: unknown[] } {
    const held = this.condition(firstParam);
    if (this.options.heartbeat === false) return held;
    const spare = firstParam + held.params.length;
    return {
      sql: `${held.sql} AND EXISTS (SELECT 1 FROM ${LOCK_TABLE} WHERE id = $${firstParam} AND expires_at > clock_timestamp() + ($${spare}::text || ' milliseconds')::interval)`,
      params: [...held.params, Math.ceil(this.leaseMs / 6)],
    };
  }

  /** A write conditioned on the lease changed nothing: another runner holds it now. */
  public takenOver(): never {
    this.lose('another runner took it over');
    throw new LeaseLostError(this.options.owner, this.lost!);
  }

  /** Stops the heartbeat and deletes the lease row, on a new connection if the lease's own was lost. */
  public async release(): Promise<void> {
    const held = this.held;
    // Not held any more: a renewal in flight schedules no further heartbeat.
    this.held = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.renewal;
    try {
      if (held) {
        await this.use((s) => withRetries(() => s.query(`DELETE FROM ${LOCK_TABLE} WHERE id = $1 AND owner = $2`, [LOCK_ID, this.options.owner])), this.releaseWindow());
      }
    } finally {
      const session = this.session;
      this.session = undefined;
      await session?.end().catch(() => undefined);
    }
  }

  /** A release is worth retrying while the lease would otherwise block others, within the reconnect window. */
  private releaseWindow(): number {
    return Math.max(0, Math.min(this.options.reconnectMs ?? 60_000, this.validUntil - Date.now()));
  }

  private assertHeld(): void {
    // A sixth of the lease to spare: time for the commit that follows the check to land.
    if (!this.lost && this.options.heartbeat !== false && Date.now() > this.validUntil - this.leaseMs / 6) this.lose('the heartbeat could not renew it in time');
    if (this.lost) throw new LeaseLostError(this.options.owner, this.lost);
  }

  private lose(reason: string): void {
    this.lost ??= reason;
  }

  private scheduleHeartbeat(): void {
    if (this.options.heartbeat === false || !this.held || this.lost) return;
    this.timer = setTimeout(() => {
      this.renewal = this.renew()
        .catch(() => undefined)
        .then(() => this.scheduleHeartbeat());
    }, this.leaseMs / 3);
    // A forgotten heartbeat must not keep a process alive.
    (this.timer as { unref?: () => void }).unref?.();
  }

  /** Extends the lease from now; marks it lost if another runner took it, or if it expired before this could. */
  private async renew(): Promise<void> {
    const sent = Date.now();
    try {
      const { rows } = await this.use(
        (s) => withRetries(
          () => s.query(
            `UPDATE ${LOCK_TABLE} SET expires_at = NOW() + ($3::text || ' milliseconds')::interval WHERE id = $1 AND owner = $2 RETURNING owner`,
            [LOCK_ID, this.options.owner, this.leaseMs],
          ),
          { onRetry: ({ code }) => this.options.onRetry?.(code) },
        ),
        Math.max(0, this.validUntil - sent),
      );
      if (rows.length === 0) this.lose('another runner took it over after it expired');
      else this.validUntil = sent + this.leaseMs;
    } catch (e) {
      if (Date.now() >= this.validUntil) this.lose(`it could not be renewed before it expired (${(e as Error).message})`);
      throw e;
    }
  }

  /**
   * Runs `work` on the lease's own connection; a lost connection is opened again (refusals retried
   * with backoff for up to `windowMs`) and the work repeated, once per new connection.
   */
  private async use<T>(work: (session: SqlSession) => Promise<T>, windowMs = this.options.reconnectMs ?? 60_000): Promise<T> {
    const giveUpAt = Date.now() + windowMs;
    for (;;) {
      const fresh = this.session === undefined;
      this.session ??= await reconnect(this.connect, Math.max(0, giveUpAt - Date.now()), (code) => this.options.onReconnect?.(code));
      try {
        return await work(this.session);
      } catch (e) {
        if (!isConnectionLost(e) || (fresh && Date.now() >= giveUpAt)) throw e;
        const lost = this.session;
        this.session = undefined;
        await lost.end().catch(() => undefined);
        this.options.onReconnect?.((e as { code?: string }).code);
      }
    }
  }

  private async tryAcquire(session: SqlSession): Promise<boolean> {
    const taken = await session.query(
      `UPDATE ${LOCK_TABLE} SET owner = $2, acquired_at = NOW(), expires_at = NOW() + ($3::text || ' milliseconds')::interval
       WHERE id = $1 AND (expires_at < NOW() OR owner = $2) RETURNING owner`,
      [LOCK_ID, this.options.owner, this.leaseMs],
    );
    if (taken.rows.length > 0) return true;
    try {
      await session.query(
        `INSERT INTO ${LOCK_TABLE} (id, owner, acquired_at, expires_at) VALUES ($1, $2, NOW(), NOW() + ($3::text || ' milliseconds')::interval)`,
        [LOCK_ID, this.options.owner, this.leaseMs],
      );
      return true;
    } catch (e) {
      if ((e as { code?: string }).code === '23505') return false; // someone holds it
      throw e;
    }
  }

  private async holder(session: SqlSession): Promise<LeaseHolder | undefined> {
    const { rows } = await session.query(`SELECT owner, acquired_at, expires_at FROM ${LOCK_TABLE} WHERE id = $1`, [LOCK_ID]);
    const r = rows[0];
    if (!r) return undefined;
    const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v));
    return { owner: String(r.owner), acquiredAt: iso(r.acquired_at), expiresAt: iso(r.expires_at) };
  }
}
