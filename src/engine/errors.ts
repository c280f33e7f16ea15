import { isRepeatableKey } from './naming';
import type { AppliedMigration } from './runner';

/** What the runner needs to know about an error from the database or the driver. */
export interface DbError {
  readonly code?: string;
  readonly message?: string;
}

const asDbError = (e: unknown): DbError => (typeof e === 'object' && e !== null ? (e as DbError) : { message: String(e) });

/**
 * DSQL's optimistic concurrency aborts a conflicting transaction at commit with SQLSTATE 40001,
 * with OC000 (data) or OC001 (schema) in the message (docs/dsql-facts.md §4). Nothing of it committed,
 * so it may be retried. PostgreSQL's serialization and deadlock failures are retryable alike.
 */
export function isRetryable(e: unknown): boolean {
  const { code, message } = asDbError(e);
  return code === '40001' || code === '40P01' || /\(OC00[01]\)/.test(message ?? '');
}

/** The connection is gone (terminated backend, reset socket, DSQL's 60-minute limit): reconnect and resume. */
export function isConnectionLost(e: unknown): boolean {
  const { code, message } = asDbError(e);
  if (code && /^(08|57P0[123])/.test(code)) return true;
  if (code && ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT'].includes(code)) return true;
  return /Connection terminated|Client has encountered a connection error|not queryable|terminating connection/i.test(message ?? '');
}

/**
 * Errors that mean a DDL statement's work is already there: re-running `CREATE TABLE t` after it
 * committed gives 42P07, re-running `DROP TABLE t` gives 42P01. Used only for the one statement
 * whose commit was not confirmed before a connection was lost.
 */
const ALREADY_DONE = new Set(['42P07', '42710', '42701', '42723', '42P06', '42P01', '42704', '42703', '42883']);

export function isAlreadyDone(e: unknown): boolean {
  const { code } = asDbError(e);
  return code !== undefined && ALREADY_DONE.has(code);
}

/** DSQL's per-transaction limits: 3,000 rows, 10 MiB, 5 minutes (docs/dsql-facts.md §2). */
export function isTransactionLimit(e: unknown): boolean {
  return asDbError(e).code === '54000';
}

/**
 * What a failed run had done, carried by the error it rejects with (whatever its class), so that a
 * caller reports it without following the run's events.
 */
export interface RunProgress {
  /** The files the run applied before it failed, in order. */
  applied: AppliedMigration[];
  /** The file it was applying when it failed; absent when it failed between files. */
  failedFile?: string;
}

/** Adds the run's progress to the error it fails with. */
export function withProgress(e: unknown, progress: RunProgress): unknown {
  if (typeof e === 'object' && e !== null) Object.assign(e, { applied: [...progress.applied], failedFile: progress.failedFile });
  return e;
}

/** A statement of a migration failed; nothing of that file was recorded. */
export class MigrationError extends Error implements RunProgress {
  /** Set by the run that failed (see `RunProgress`). */
  public applied: AppliedMigration[] = [];
  public failedFile?: string;

  constructor(
    public readonly fileName: string,
    public readonly version: string,
    /** 1-based number of the statement in the file. */
    public readonly statementNumber: number,
    public readonly line: number,
    public readonly sqlState: string | undefined,
    public readonly detail: string,
  ) {
    super(
      `${fileName}:${line}: statement ${statementNumber} failed` +
        (sqlState ? ` (SQLSTATE ${sqlState})` : '') +
        `: ${detail}` +
        (sqlState === '54000'
          ? '. DSQL limits one transaction to 3,000 rows, 10 MiB and 5 minutes: split the data change into batches (for example by primary key range), each a statement or file of its own'
          : '') +
        (isRepeatableKey(version)
          ? '. Earlier files stay recorded. This repeatable file is not recorded: the next run applies it again from its first statement.'
          : '. Earlier files stay recorded. This file is not recorded: status shows it in-progress when some of its statements committed (apply resumes after them), pending otherwise; later files stay pending.'),
    );
    this.name = 'MigrationError';
  }
}

/** The migrations and the database disagree in a way the runner will not resolve by itself. */
export class MigrationStateError extends Error implements RunProgress {
  /** Set by the run that failed (see `RunProgress`). */
  public applied: AppliedMigration[] = [];
  public failedFile?: string;

  constructor(message: string) {
    super(message);
    this.name = 'MigrationStateError';
  }
}

export interface RetryOptions {
  /** Attempts after the first. @default 8 */
  readonly maxRetries?: number;
  /** @default 50 */
  readonly baseDelayMs?: number;
  /** @default 5000 */
  readonly maxDelayMs?: number;
  /** Called before each retry, with the SQLSTATE that caused it. */
  readonly onRetry?: (info: { attempt: number; code: string | undefined; delayMs: number }) => void;
  readonly sleep?: (ms: number) => Promise<void>;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `work` again after retryable failures, with bounded exponential backoff and full jitter. */
export async function withRetries<T>(work: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const maxRetries = options.maxRetries ?? 8;
  const base = options.baseDelayMs ?? 50;
  const cap = options.maxDelayMs ?? 5000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (e) {
      if (!isRetryable(e) || attempt > maxRetries) throw e;
      const delayMs = Math.round(Math.random() * Math.min(cap, base * 2 ** (attempt - 1)));
      options.onRetry?.({ attempt, code: asDbError(e).code, delayMs });
      await (options.sleep ?? sleep)(delayMs);
    }
  }
}
