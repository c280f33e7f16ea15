import type { CdkCustomResourceIsCompleteEvent, CdkCustomResourceIsCompleteResponse, CdkCustomResourceEvent, CdkCustomResourceResponse } from 'aws-lambda';
import { adoptHistory, applyMigrationSet, ConnectFn, Dialect, inspectTables, Migration, MIGRATIONS_TABLE, readAppliedBy, readRecords, RunnerEvent, RunOptions, syncRoleMappings } from '../src/engine';
import { adoptionOf, ATTRIBUTES, MigrationsResourceProperties, physicalResourceId, policyOf, resourceData, roleMappingsOf } from '../src/resource-contract';

export type { MigrationsResourceProperties } from '../src/resource-contract';

/** What differs between production and a test: how to connect, and where the files come from. */
export interface HandlerDeps {
  readonly connect: (props: MigrationsResourceProperties) => ConnectFn;
  readonly loadMigrations: (props: MigrationsResourceProperties) => Promise<Migration[]>;
  readonly dialect: Dialect;
  readonly log?: (event: RunnerEvent) => void;
  /** Extra runner options (tests run in DSQL-strict mode on PostgreSQL). */
  readonly runOptions?: Partial<RunOptions>;
  /**
   * How long one invocation starts new transactions before leaving the rest to isComplete (see
   * `invocationBudgetMs` in src/resource-contract.ts). @default no limit
   */
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

/**
 * The Provider framework sends a failed handler's message, with its log group and stack, as the
 * `Reason` of one response of at most 4,096 bytes (with the resource's ids and Data); a longer one
 * leaves the stack waiting until the custom resource times out. The reason keeps the first problem
 * (file, line, SQLSTATE and the start of its message) and how many more there are.
 */
const MAX_REASON_BYTES = 1000;

export function boundedReason(message: string, maxBytes = MAX_REASON_BYTES): string {
  const problems = message.split('\n').filter((line) => line.trim() !== '');
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problems; all of them are in the function's logs)` : '';
  const first = problems[0] ?? message;
  const room = maxBytes - Buffer.byteLength(more, 'utf8');
  if (Buffer.byteLength(first, 'utf8') <= room) return first + more;
  const suffix = '... (cut; the full message is in the logs)';
  // Cut on a character boundary: a partly kept UTF-8 sequence decodes to U+FFFD, dropped here.
  const cut = Buffer.from(first, 'utf8').subarray(0, room - Buffer.byteLength(suffix, 'utf8')).toString('utf8').replace(/\uFFFD+$/, '');
  return cut + suffix + more;
}

export function createHandlers(deps: HandlerDeps) {
  const log = deps.log ?? ((e: RunnerEvent) => console.log(JSON.stringify(e)));

  /** One invocation's share of the work: apply what fits in the time budget. */
  async function applyStep(event: CdkCustomResourceEvent) {
    const props = event.ResourceProperties as unknown as MigrationsResourceProperties;
    const policy = policyOf(props);
    const migrations = await deps.loadMigrations(props);
    const adoption = adoptionOf(props);
    if (adoption) await adoptFirst(deps.connect(props), migrations, { ...adoption, owner: ownerOf(event) });
    const mappings = roleMappingsOf(props);
    const result = await applyMigrationSet(deps.connect(props), migrations, {
      dialect: deps.dialect,
      log,
      owner: ownerOf(event),
      ...policy,
      deadline: deps.invocationBudgetMs !== undefined ? Date.now() + deps.invocationBudgetMs : undefined,
      ...deps.runOptions,
    });
    // After every file ran (the roles are created by the migrations); a second call finds nothing to change.
    if (result.complete && roleMappingsInPlay(event, mappings)) await syncRoleMappings(deps.connect(props), mappings, { dialect: deps.dialect, log });
    return result;
  }

  async function onEvent(event: CdkCustomResourceEvent): Promise<CdkCustomResourceResponse> {
    const props = event.ResourceProperties as unknown as MigrationsResourceProperties;
    // Delete never touches the database: dropping user data is never the right default, and the
    // IAM mappings stay too (a function of another stack may still connect with them).
    if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };
    const result = await applyStep(event);
    return {
      PhysicalResourceId: physicalResourceId(props.ClusterEndpoint),
      Data: resourceData({
        latestVersion: result.latestVersion,
        appliedCount: String(result.appliedCount),
        appliedThisDeployment: summarizeVersions(result.applied.map((m) => m.version)),
        // Read by isComplete: more files to apply, or async jobs to wait for.
        pending: !result.complete ? 'files' : result.pendingJobs.length > 0 ? 'jobs' : '',
      }),
    };
  }

  async function isComplete(event: CdkCustomResourceIsCompleteEvent): Promise<CdkCustomResourceIsCompleteResponse> {
    if (event.RequestType === 'Delete') return { IsComplete: true };
    const pending = String(event.Data?.[ATTRIBUTES.pending] ?? '');
    if (pending === '') return { IsComplete: true };
    // The same run as onEvent's: it applies what is left, and judges the async jobs (failing the
    // deploy on a failed one, naming its file, object and DSQL's message).
    const result = await applyStep(event);
    if (!result.complete) return { IsComplete: false };
    if (result.pendingJobs.length > 0) {
      log({ event: 'waiting-for-jobs', pending: result.pendingJobs.length });
      return { IsComplete: false };
    }
    const props = event.ResourceProperties as unknown as MigrationsResourceProperties;
    const session = await deps.connect(props)();
    try {
      return {
        IsComplete: true,
        Data: resourceData({
          latestVersion: result.latestVersion,
          appliedCount: String(result.appliedCount),
          appliedThisDeployment: summarizeVersions(await readAppliedBy(session, ownerOf(event))),
          pending: '',
        }),
      };
    } finally {
      await session.end().catch(() => undefined);
    }
  }

  /** Logs a failure in full, and hands the Provider framework a reason that fits CloudFormation's response. */
  function bounded<A extends unknown[], R>(handler: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
    return async (...args) => {
      try {
        return await handler(...args);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        log({ event: 'failed', error: e instanceof Error ? e.name : 'Error', message });
        const reason = boundedReason(message);
        if (reason === message) throw e;
        throw Object.assign(new Error(reason), { name: e instanceof Error ? e.name : 'Error' });
      }
    };
  }

  return { onEvent: bounded(onEvent), isComplete: bounded(isComplete) };
}

/**
 * Adopts the other tool's history while `schema_migrations` holds no record: once this runner has
 * recorded files (adopted or applied), the option has done its work and is left alone.
 */
async function adoptFirst(connect: ConnectFn, migrations: ReadonlyArray<Migration>, options: Parameters<typeof adoptHistory>[2]): Promise<void> {
  const session = await connect();
  try {
    if ((await inspectTables(session)).has(MIGRATIONS_TABLE) && (await readRecords(session)).size > 0) return;
  } finally {
    await session.end().catch(() => undefined);
  }
  await adoptHistory(connect, migrations, options);
}

/** The runner's name for one deploy of one resource: the lease owner, and the key of its jobs and records. */
function ownerOf(event: CdkCustomResourceEvent | CdkCustomResourceIsCompleteEvent): string {
  return `cloudformation:${event.LogicalResourceId}:${event.RequestId}`;
}

/**
 * Whether this request can change a role mapping. An Update that lists none before or after has
 * none to keep in step (the Create of this resource already revoked any an earlier one left), so a
 * deploy without mappings costs no connection for them.
 */
function roleMappingsInPlay(event: CdkCustomResourceEvent | CdkCustomResourceIsCompleteEvent, mappings: ReadonlyArray<unknown>): boolean {
  if (event.RequestType !== 'Update' || mappings.length > 0) return true;
  return roleMappingsOf(event.OldResourceProperties as unknown as MigrationsResourceProperties).length > 0;
}
