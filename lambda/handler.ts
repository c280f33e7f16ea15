import type { CdkCustomResourceIsCompleteEvent, CdkCustomResourceIsCompleteResponse, CdkCustomResourceEvent, CdkCustomResourceResponse } from 'aws-lambda';
import { readAsyncJobs } from '../src/engine/async-jobs';
import { Dialect } from '../src/engine/dialect';
import { Migration } from '../src/engine/migration-set';
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

export function createHandlers(deps: HandlerDeps) {
  const log = deps.log ?? ((e: RunnerEvent) => console.log(JSON.stringify(e)));

  async function onEvent(event: CdkCustomResourceEvent): Promise<CdkCustomResourceResponse> {
    const props = event.ResourceProperties as unknown as MigrationsResourceProperties;
    const physicalResourceId = `dsql-migrations:${props.ClusterEndpoint}`;
    // Delete never touches the database: dropping user data is never the right default.
    if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };

    const migrations = await deps.loadMigrations(props);
    const result = await applyMigrationSet(deps.connect(props), migrations, {
      dialect: deps.dialect,
      log,
      owner: `cloudformation:${event.LogicalResourceId}:${event.RequestId}`,
      onChangedFile: props.OnChangedFile,
      outOfOrder: props.OutOfOrder,
      baselineVersion: props.BaselineVersion || undefined,
      ...deps.runOptions,
    });
    return {
      PhysicalResourceId: physicalResourceId,
      Data: {
        LatestVersion: result.latestVersion,
        AppliedCount: String(result.appliedCount),
        AppliedThisDeployment: summarizeVersions(result.applied.map((m) => m.version)),
        // Read by isComplete; 26-character ids, capped so the final response stays small.
        AsyncJobIds: result.asyncJobs.slice(0, 100).join(','),
      },
    };
  }

  async function isComplete(event: CdkCustomResourceIsCompleteEvent): Promise<CdkCustomResourceIsCompleteResponse> {
    if (event.RequestType === 'Delete') return { IsComplete: true };
    const jobIds = String(event.Data?.AsyncJobIds ?? '').split(',').filter(Boolean);
    if (jobIds.length === 0) return { IsComplete: true };
    const props = event.ResourceProperties as unknown as MigrationsResourceProperties;
    const session = await deps.connect(props)();
    try {
      const status = await readAsyncJobs(session, jobIds);
      if (status.failed.length > 0) {
        const details = status.failed.map((j) => `${j.jobId} ${j.status}: ${j.details}`).join('; ');
        throw new Error(`DSQL async job failed: ${details}. The index or constraint is not usable; fix the data or the migration and deploy again.`);
      }
      if (status.pending.length > 0) {
        log({ event: 'waiting-for-jobs', pending: status.pending.length });
        return { IsComplete: false };
      }
      return { IsComplete: true, Data: { AsyncJobIds: '' } };
    } finally {
      await session.end().catch(() => undefined);
    }
  }

  return { onEvent, isComplete };
}
