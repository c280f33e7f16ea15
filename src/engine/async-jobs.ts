import { SqlSession } from './bookkeeping';

/** Where DSQL's async jobs (CREATE INDEX ASYNC, ALTER TABLE ASYNC ... VALIDATE) stand. */
export interface AsyncJobStatus {
  /** Jobs still submitted or processing. */
  readonly pending: string[];
  /** Jobs that failed or were cancelled, with DSQL's details. */
  readonly failed: Array<{ readonly jobId: string; readonly status: string; readonly details: string }>;
}

/**
 * Reads the state of the given jobs from `sys.jobs` (dsql-facts §3: status is submitted,
 * processing, completed, failed or cancelled; finished rows are kept about 30 minutes, so a job no
 * longer listed is taken as finished).
 */
export async function readAsyncJobs(session: SqlSession, jobIds: ReadonlyArray<string>): Promise<AsyncJobStatus> {
  if (jobIds.length === 0) return { pending: [], failed: [] };
  const placeholders = jobIds.map((_, i) => `$${i + 1}`).join(', ');
  const { rows } = await session.query(`SELECT job_id, status, details FROM sys.jobs WHERE job_id IN (${placeholders})`, [...jobIds]);
  const pending: string[] = [];
  const failed: AsyncJobStatus['failed'] = [];
  for (const row of rows) {
    const jobId = String(row.job_id);
    const status = String(row.status ?? '').toLowerCase();
    if (status === 'submitted' || status === 'processing') pending.push(jobId);
    else if (status === 'failed' || status.startsWith('cancel')) failed.push({ jobId, status, details: String(row.details ?? '') });
  }
  return { pending, failed };
}
