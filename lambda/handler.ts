import type { CdkCustomResourceIsCompleteEvent, CdkCustomResourceIsCompleteResponse, CdkCustomResourceEvent, CdkCustomResourceResponse } from 'aws-lambda';
import { readAsyncJobs } from '../src/engine/async-jobs';
import { readAppliedBy, readJobsOf, readState } from '../src/engine/bookkeeping';
import { Dialect } from '../src/engine/dialect';
import { Migration } from '../src/engine/migration-set';
import { latestVersion } from '../src/engine/naming';
import { applyMigrationSet, ConnectFn, RunnerEvent, RunOptions } from '../src/engine/runner';

/** The custom resource's properties, as the construct writes them. */
export interface MigrationsResourceProperties {
  readonly ClusterEndpoint: string;
  readonly Region: string;
  readonly MigrationsBucket: string;
  readonly MigrationsKey: string;
  readonly MigrationSetHash: string;
  /** 'fail' (default) or 'accept'. */
  readonly OnChangedFile?: 'fail' | 'accept';
  /** 'fail' (default) or 'apply'. */
  readonly OutOfOrder?: 'fail' | 'apply';
  readonly BaselineVersion?: string;
}

/** What differs between production and a test: how to connect, and where the files come from. */
export interface HandlerDeps {
  readonly connect: (props: MigrationsResourceProperties) => ConnectFn;
  readonly loadMigrations: (props: MigrationsResourceProperties) => Promise<Migration[]>;
  readonly dialect: Dialect;
  readonly log?: (event: RunnerEvent) => void;
  /** Extra runner options (tests run in DSQL-strict mode on PostgreSQL). */
  readonly runOptions?: Partial<RunOptions>;
  /** How long one invocation may apply migrations before leaving the rest to isComplete. @default 4 minutes */
  readonly invocationBudgetMs?: number;
}

/** CloudFormation allows 4,096 bytes for a whole response; the version list gets at most this much. */
const MAX_VERSION_LIST = 1024;

/**
 * The versions applied by a deploy, comma-separated, or `first..last (N files)` when the list
 * would not fit CloudFormation's response limit.
 */
export function summarizeVersions(versions: ReadonlyArray<string>, maxLength = MAX_VERSION_LIST): string {
  const list = versions.join(',');
  if (list.length <= maxLength) return list;
  return `${versions[0]}..${versions[versions.length - 1]} (${versions.length} files)`;
}

/** What the Lambda runtime tells about the time left; absent in tests and the CLI. */
export interface InvocationContext {
  getRemainingTimeInMillis?: () => number;
}

export function createHandlers(deps: HandlerDeps) {
  const log = deps.log ?? ((e: RunnerEvent) => console.log(JSON.stringify(e)));
  // Each invocation starts no new transaction after this long, so none needs more than a few
  // minutes; the Provider's isComplete invocations continue where it stopped.
  const budgetMs = deps.invocationBudgetMs ?? 4 * 60_000;

  /** One invocation's share of the work: apply what fits in the time budget. */
  async function applyStep(event: CdkCustomResourceEvent, context?: InvocationContext) {
    const props = event.ResourceProperties as unknown as MigrationsResourceProperties;
    const remaining = context?.getRemainingTimeInMillis?.() ?? Number.POSITIVE_INFINITY;
    // Leave room for one more transaction (DSQL caps one at 5 minutes) before the Lambda times out.
    const deadline = Date.now() + Math.max(0, Math.min(budgetMs, remaining - 6 * 60_000));
    const migrations = await deps.loadMigrations(props);
    return applyMigrationSet(deps.connect(props), migrations, {
      dialect: deps.dialect,
      log,
      owner: ownerOf(event),
      onChangedFile: props.OnChangedFile,
      outOfOrder: props.OutOfOrder,
      baselineVersion: props.BaselineVersion || undefined,
      deadline: Number.isFinite(remaining) || deps.invocationBudgetMs !== undefined ? deadline : undefined,
      ...deps.runOptions,
    });
  }

  async function onEvent(event: CdkCustomResourceEvent, context?: InvocationContext): Promise<CdkCustomResourceResponse> {
    const props = event.ResourceProperties as unknown as MigrationsResourceProperties;
    // Delete never touches the database: dropping user data is never the right default.
    if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };
    const physicalResourceId = `dsql-migrations:${props.ClusterEndpoint}`;
    const result = await applyStep(event, context);
    return {
      PhysicalResourceId: physicalResourceId,
      Data: {
        LatestVersion: result.latestVersion,
        AppliedCount: String(result.appliedCount),
        AppliedThisDeployment: summarizeVersions(result.applied.map((m) => m.version)),
        // Read by isComplete: more files to apply, or async jobs to wait for.
        Pending: !result.complete ? 'files' : result.asyncJobs.length > 0 ? 'jobs' : '',
      },
    };
  }

  async function isComplete(event: CdkCustomResourceIsCompleteEvent, context?: InvocationContext): Promise<CdkCustomResourceIsCompleteResponse> {
    if (event.RequestType === 'Delete') return { IsComplete: true };
    const pending = String(event.Data?.Pending ?? '');
    if (pending === '') return { IsComplete: true };
    if (pending === 'files' && !(await applyStep(event, context)).complete) return { IsComplete: false };

    // Everything is applied; the deploy ends when the async jobs it started have finished.
    const props = event.ResourceProperties as unknown as MigrationsResourceProperties;
    const session = await deps.connect(props)();
    try {
      const owner = ownerOf(event);
      const status = await readAsyncJobs(session, await readJobsOf(session, owner));
      if (status.failed.length > 0) {
        const details = status.failed.map((j) => `${j.jobId} ${j.status}: ${j.details}`).join('; ');
        throw new Error(`DSQL async job failed: ${details}. The index or constraint is not usable; fix the data or the migration and deploy again.`);
      }
      if (status.pending.length > 0) {
        log({ event: 'waiting-for-jobs', pending: status.pending.length });
        return { IsComplete: false };
      }
      const state = await readState(session, { ledger: false });
      const latest = latestVersion(state.records.keys()) ?? '';
      return {
        IsComplete: true,
        Data: {
          LatestVersion: latest,
          AppliedCount: String(state.records.size),
          AppliedThisDeployment: summarizeVersions(await readAppliedBy(session, owner)),
          Pending: '',
        },
      };
    } finally {
      await session.end().catch(() => undefined);
    }
  }

  return { onEvent, isComplete };
}

/** The runner's name for one deploy of one resource: the lease owner, and the key of its jobs and records. */
function ownerOf(event: CdkCustomResourceEvent | CdkCustomResourceIsCompleteEvent): string {
  return `cloudformation:${event.LogicalResourceId}:${event.RequestId}`;
}
