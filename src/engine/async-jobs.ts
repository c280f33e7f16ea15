import { JOBS_TABLE, KeptJob, SqlSession } from './bookkeeping';
import { leadingWords } from './classify';
import { stripLeadingTrivia } from './lexical';

/** Where DSQL's async jobs (CREATE INDEX ASYNC, ALTER TABLE ASYNC ... VALIDATE) stand. */
export interface AsyncJobStatus {
  /** Jobs still submitted or processing. */
  readonly pending: string[];
  /** Jobs that failed or were cancelled, with DSQL's details. */
  readonly failed: Array<{ readonly jobId: string; readonly status: string; readonly details: string }>;
}

type JobRow = { readonly status: string; readonly details: string };

const isPending = (status: string) => status === 'submitted' || status === 'processing';
const isFailed = (status: string) => status === 'failed' || status.startsWith('cancel');

/**
 * Reads the given jobs from `sys.jobs` by id (docs/dsql-facts.md §3: status is submitted, processing,
 * completed, failed or cancelled; finished rows are kept about 30 minutes). Rows are matched to
 * the ids here too: a server that ignored the filter must not lend one job another's state.
 */
async function readJobRows(session: SqlSession, jobIds: ReadonlyArray<string>): Promise<Map<string, JobRow>> {
  const rows = new Map<string, JobRow>();
  if (jobIds.length === 0) return rows;
  const wanted = new Set(jobIds);
  const placeholders = jobIds.map((_, i) => `$${i + 1}`).join(', ');
  const result = await session.query(`SELECT job_id, status, details FROM sys.jobs WHERE job_id IN (${placeholders})`, [...jobIds]);
  for (const row of result.rows) {
    const jobId = String(row.job_id);
    if (wanted.has(jobId)) rows.set(jobId, { status: String(row.status ?? '').toLowerCase(), details: String(row.details ?? '') });
  }
  return rows;
}

/** The state of the given jobs; a job no longer listed is taken as finished. */
export async function readAsyncJobs(session: SqlSession, jobIds: ReadonlyArray<string>): Promise<AsyncJobStatus> {
  const rows = await readJobRows(session, jobIds);
  const pending: string[] = [];
  const failed: AsyncJobStatus['failed'] = [];
  for (const [jobId, { status, details }] of rows) {
    if (isPending(status)) pending.push(jobId);
    else if (isFailed(status)) failed.push({ jobId, status, details });
  }
  return { pending, failed };
}

/** The object an async statement builds or validates: an index, or a table's constraint. */
export interface AsyncObject {
  readonly kind: 'index' | 'constraint';
  /** `name`, or `schema.name` when the statement names the table's schema. */
  readonly name: string;
}

const IDENT = String.raw`("(?:[^"]|"")+"|[A-Za-z_][\w$]*)`;
const CREATE_INDEX = new RegExp(String.raw`^CREATE\s+(?:UNIQUE\s+)?INDEX\s+ASYNC\s+(?:IF\s+NOT\s+EXISTS\s+)?${IDENT}\s+ON\s+(?:ONLY\s+)?(?:${IDENT}\s*\.\s*)?${IDENT}`, 'i');
const VALIDATE = new RegExp(String.raw`^ALTER\s+TABLE\s+ASYNC\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(?:${IDENT}\s*\.\s*)?${IDENT}\s+VALIDATE\s+CONSTRAINT\s+${IDENT}`, 'i');
const unquote = (id: string) => (id.startsWith('"') ? id.slice(1, -1).replace(/""/g, '"') : id.toLowerCase());

/** What a DSQL async statement works on, or undefined for any other statement. */
export function asyncObjectOf(text: string): AsyncObject | undefined {
  const words = leadingWords(text, 4);
  if (!words.includes('ASYNC')) return undefined;
  const body = stripLeadingTrivia(text);
  const index = CREATE_INDEX.exec(body);
  if (index) return { kind: 'index', name: index[2] ? `${unquote(index[2])}.${unquote(index[1])}` : unquote(index[1]) };
  const check = VALIDATE.exec(body);
  if (check) return { kind: 'constraint', name: check[1] ? `${unquote(check[1])}.${unquote(check[3])}` : unquote(check[3]) };
  return undefined;
}

/** `schema.name` matches itself and `name`; a bare `name` matches it in any schema. */
function sameObject(a: string, b: string): boolean {
  const bare = (n: string) => n.slice(n.lastIndexOf('.') + 1);
  return a === b || (bare(a) === bare(b) && (!a.includes('.') || !b.includes('.')));
}

/**
 * Finds the job of an object again in `sys.jobs`, for an async statement that returned no job id
 * (re-run after a lost connection, or `IF NOT EXISTS` finding the object being built). Reads the
 * (short) view whole and matches rows here; only jobs not yet finished or failed count.
 */
export async function findJobOf(session: SqlSession, object: AsyncObject): Promise<string | undefined> {
  const { rows } = await session.query('SELECT * FROM sys.jobs');
  const matching = rows.filter((r) => typeof r.object_name === 'string' && sameObject(String(r.object_name).toLowerCase(), object.name) && !/^completed$/i.test(String(r.status ?? '')));
  return matching.length > 0 ? String(matching[matching.length - 1].job_id) : undefined;
}

export interface JobProblem {
  readonly jobId: string;
  readonly version: string;
  readonly object: string | null;
  readonly status: string;
  readonly details: string;
}

export interface JobsVerdict {
  /** Still building: the deploy waits. */
  readonly pending: string[];
  /** Failed, and the object is still there and not valid: the deploy fails. */
  readonly failed: JobProblem[];
  /** Finished and valid, or superseded by a later job on the same object, or the object is gone: forgotten. */
  readonly settled: string[];
}

export const objectKey = (o: AsyncObject) => `${o.kind}:${o.name}`;

/**
 * Judges the kept jobs: DSQL's status by id, and the catalog's word on the object (an index left
 * INVALID by a failed build stays so until it is dropped, docs/dsql-facts.md §3). Only the newest job of
 * an object counts, so a later migration that drops and recreates the object settles a failure.
 */
export async function judgeJobs(session: SqlSession, kept: ReadonlyArray<KeptJob>, readStatus: boolean): Promise<JobsVerdict> {
  const newest = new Map<string, KeptJob>();
  const settled: string[] = [];
  for (const job of kept) {
    const key = job.object ?? `job:${job.jobId}`;
    const before = newest.get(key);
    if (before) settled.push(before.jobId);
    newest.set(key, job);
  }
  const jobs = [...newest.values()];
  const statuses = readStatus ? await readJobRows(session, jobs.map((j) => j.jobId)) : new Map<string, JobRow>();
  const invalid = await invalidObjects(session, jobs.map((j) => j.object).filter((o): o is string => o !== null));
  const pending: string[] = [];
  const failed: JobProblem[] = [];
  for (const job of jobs) {
    const row = statuses.get(job.jobId);
    const stillInvalid = job.object !== null && invalid.has(job.object);
    if (row && isPending(row.status)) pending.push(job.jobId);
    else if (row && isFailed(row.status) && (stillInvalid || job.object === null)) failed.push({ ...job, status: row.status, details: row.details });
    else if (!row && stillInvalid) failed.push({ ...job, status: 'not valid', details: 'the job is no longer listed in sys.jobs and the object is not valid' });
    else settled.push(job.jobId);
  }
  return { pending, failed, settled };
}

/** Of these `kind:name` objects, the ones that exist and are not valid (an index, or a constraint not validated). */
async function invalidObjects(session: SqlSession, objects: ReadonlyArray<string>): Promise<Set<string>> {
  if (objects.length === 0) return new Set();
  const { rows } = await session.query(
    `SELECT 'index' AS kind, n.nspname AS schema_name, c.relname AS name FROM pg_catalog.pg_index i
       JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       WHERE NOT i.indisvalid
     UNION ALL
     SELECT 'constraint', n.nspname, k.conname FROM pg_catalog.pg_constraint k
       JOIN pg_catalog.pg_namespace n ON n.oid = k.connamespace
       WHERE NOT k.convalidated`,
  );
  const found = rows.map((r) => ({ kind: String(r.kind), name: `${String(r.schema_name)}.${String(r.name)}` }));
  return new Set(objects.filter((key) => {
    const [kind, name] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
    return found.some((f) => f.kind === kind && sameObject(f.name, name));
  }));
}

/** Forgets settled jobs, so the table holds only what a later deploy must still check. */
export async function forgetJobs(session: SqlSession, jobIds: ReadonlyArray<string>): Promise<void> {
  if (jobIds.length === 0) return;
  const placeholders = jobIds.map((_, i) => `$${i + 1}`).join(', ');
  await session.query(`DELETE FROM ${JOBS_TABLE} WHERE job_id IN (${placeholders})`, [...jobIds]);
}
