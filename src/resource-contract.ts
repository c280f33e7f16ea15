/**
 * The contract between the construct (synth time) and the handler (deploy time): the custom
 * resource's type, properties, attributes and physical id, and the handler's time budget. The
 * construct writes the properties with `resourceProperties`, the handler reads them with
 * `policyOf`; nothing else spells a property or attribute name. Internal: not exported from the
 * package's index, so jsii does not see it.
 */
import { ADOPT_SOURCES, AdoptSource, databaseRoleProblem, isVersion, RoleMapping, RunOptions } from './engine';

export const RESOURCE_TYPE = 'Custom::DsqlMigrations';

/** The custom resource's properties, as CloudFormation hands them to the handler (strings, and one map of strings). */
export interface MigrationsResourceProperties {
  readonly ClusterEndpoint: string;
  readonly Region: string;
  readonly MigrationsBucket: string;
  readonly MigrationsKey: string;
  /** Any change to any file changes it, and so causes an Update; nothing else does. */
  readonly MigrationSetHash: string;
  /** 'fail' (absent) or 'accept'. */
  readonly OnChangedFile?: string;
  /** 'fail' (absent) or 'apply'. */
  readonly OutOfOrder?: string;
  /** A migration version; absent for no baseline. */
  readonly BaselineVersion?: string;
  /** The values of the files' `${{ name }}` placeholders (tokens resolved by CloudFormation); absent for none. */
  readonly Parameters?: Readonly<Record<string, string>>;
  /** The tool whose history is adopted before the first run; absent for none. */
  readonly AdoptFrom?: string;
  /** Its history table; absent for the tool's own. */
  readonly AdoptTable?: string;
  /** IAM principals mapped to database roles after the run (`grantDatabaseRole`); absent for none. */
  readonly RoleMappings?: ReadonlyArray<RoleMappingProperty>;
  /** 'true' to send each DML transaction with its note as one message on DSQL; absent for the dialect's default. */
  readonly OneMessageTransactions?: string;
}

/** One entry of `RoleMappings`: the principal's ARN is a token resolved by CloudFormation. */
export interface RoleMappingProperty {
  readonly DatabaseRole: string;
  readonly PrincipalArn: string;
}

/**
 * Who reads each property. A key added to `MigrationsResourceProperties` does not compile until it
 * is listed here; the contract's unit test then checks that `resourceProperties` writes it and,
 * for a policy, that `policyOf` reads it.
 */
export const HANDLED: Record<keyof MigrationsResourceProperties, 'connection' | 'files' | 'policy' | 'adoption' | 'role-mappings'> = {
  ClusterEndpoint: 'connection',
  Region: 'connection',
  MigrationsBucket: 'files',
  MigrationsKey: 'files',
  MigrationSetHash: 'files',
  OnChangedFile: 'policy',
  OutOfOrder: 'policy',
  BaselineVersion: 'policy',
  Parameters: 'policy',
  AdoptFrom: 'adoption',
  AdoptTable: 'adoption',
  RoleMappings: 'role-mappings',
  OneMessageTransactions: 'policy',
};

/** What the construct knows at synth time (some of it tokens resolved at deploy time). */
export interface ResourceInput {
  readonly clusterEndpoint: string;
  readonly region: string;
  readonly migrationsBucket: string;
  readonly migrationsKey: string;
  readonly migrationSetHash: string;
  readonly allowChangedMigrations?: boolean;
  readonly allowOutOfOrder?: boolean;
  readonly baselineVersion?: string;
  readonly parameters?: Readonly<Record<string, string>>;
  readonly adoptHistory?: { readonly from: string; readonly table?: string };
  /** Already in property form: the construct passes a lazy value, since mappings are added after it is created. */
  readonly roleMappings?: ReadonlyArray<RoleMappingProperty>;
  readonly oneMessageTransactions?: boolean;
}

/**
 * The custom resource's properties. A policy left at its default is left out, so that the
 * template of a stack that does not use it stays as it was (a new property would cause an Update).
 */
export function resourceProperties(input: ResourceInput): MigrationsResourceProperties {
  return {
    ClusterEndpoint: input.clusterEndpoint,
    Region: input.region,
    MigrationsBucket: input.migrationsBucket,
    MigrationsKey: input.migrationsKey,
    MigrationSetHash: input.migrationSetHash,
    ...(input.allowChangedMigrations ? { OnChangedFile: 'accept' } : {}),
    ...(input.allowOutOfOrder ? { OutOfOrder: 'apply' } : {}),
    ...(input.baselineVersion !== undefined ? { BaselineVersion: input.baselineVersion } : {}),
    ...(input.parameters && Object.keys(input.parameters).length > 0 ? { Parameters: { ...input.parameters } } : {}),
    ...(input.adoptHistory ? { AdoptFrom: input.adoptHistory.from } : {}),
    ...(input.adoptHistory?.table !== undefined ? { AdoptTable: input.adoptHistory.table } : {}),
    ...(input.roleMappings !== undefined ? { RoleMappings: input.roleMappings } : {}),
    ...(input.oneMessageTransactions ? { OneMessageTransactions: 'true' } : {}),
  };
}

/** The runner options the properties set. */
export type ResourcePolicy = Pick<RunOptions, 'onChangedFile' | 'outOfOrder' | 'baselineVersion' | 'parameters' | 'oneMessageTransactions'>;

/**
 * Reads the policy properties into the runner's options. A value the construct never writes (a
 * template edited by hand, or written by a newer construct) fails the deploy rather than being
 * taken for the default.
 */
export function policyOf(props: MigrationsResourceProperties): ResourcePolicy {
  const baseline = props.BaselineVersion || undefined;
  if (baseline !== undefined && !isVersion(baseline)) {
    throw new Error(`${RESOURCE_TYPE} property BaselineVersion must be a migration version (digits, like 0003), got "${baseline}"`);
  }
  return {
    onChangedFile: oneOf(props, 'OnChangedFile', ['fail', 'accept']),
    outOfOrder: oneOf(props, 'OutOfOrder', ['fail', 'apply']),
    baselineVersion: baseline,
    parameters: parametersOf(props.Parameters),
    ...(oneOf(props, 'OneMessageTransactions', ['true']) ? { oneMessageTransactions: true } : {}),
  };
}

/** The parameter values; anything but a map of strings fails the deploy (the message names no value). */
function parametersOf(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    throw new Error(`${RESOURCE_TYPE} property Parameters must be a map of names to strings`);
  }
  return { ...(value as Record<string, string>) };
}

function oneOf<T extends string>(props: MigrationsResourceProperties, key: keyof MigrationsResourceProperties, values: readonly T[]): T | undefined {
  const value = props[key];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new Error(`${RESOURCE_TYPE} property ${key} must be a string`);
  if (!(values as readonly string[]).includes(value)) {
    throw new Error(`${RESOURCE_TYPE} property ${key} must be one of ${values.join(', ')}, got "${value}"`);
  }
  return value as T;
}

/** The other tool's history to adopt before the first run (read by the handler with `adoptHistory`), or undefined. */
export function adoptionOf(props: MigrationsResourceProperties): { from: AdoptSource; table?: string } | undefined {
  const from = oneOf(props, 'AdoptFrom', Object.keys(ADOPT_SOURCES) as AdoptSource[]);
  if (from === undefined) return undefined;
  return { from, table: props.AdoptTable || undefined };
}

/**
 * The mappings to keep (read by the handler with `syncRoleMappings`); an empty list when the
 * property is absent, so that removing the last mapping revokes it. Anything but a list of valid
 * role names and ARNs fails the deploy.
 */
export function roleMappingsOf(props: MigrationsResourceProperties): RoleMapping[] {
  const value: unknown = props.RoleMappings;
  if (value === undefined || value === '') return [];
  const bad = () => new Error(`${RESOURCE_TYPE} property RoleMappings must be a list of { DatabaseRole, PrincipalArn }`);
  if (!Array.isArray(value)) throw bad();
  return value.map((entry: unknown) => {
    const { DatabaseRole: role, PrincipalArn: arn } = (entry ?? {}) as Record<string, unknown>;
    if (typeof role !== 'string' || typeof arn !== 'string') throw bad();
    const problem = databaseRoleProblem(role);
    if (problem !== undefined) throw new Error(`${RESOURCE_TYPE} property RoleMappings: ${problem}`);
    if (!/^arn:[\w-]+:(iam|sts)::\d{12}:/.test(arn)) throw new Error(`${RESOURCE_TYPE} property RoleMappings: "${arn}" is not an IAM principal ARN`);
    return { databaseRole: role, principalArn: arn };
  });
}

/** The physical id: one resource per cluster; a new endpoint is a replacement. */
export function physicalResourceId(clusterEndpoint: string): string {
  return `dsql-migrations:${clusterEndpoint}`;
}

/** The attributes the handler returns (`Fn::GetAtt`), by the name the construct reads them with. */
export const ATTRIBUTES = {
  latestVersion: 'LatestVersion',
  appliedCount: 'AppliedCount',
  appliedThisDeployment: 'AppliedThisDeployment',
  /** Read by isComplete only: 'files' (more to apply), 'jobs' (async jobs to wait for) or ''. */
  pending: 'Pending',
} as const;

export type ResourceAttributes = { readonly [K in keyof typeof ATTRIBUTES]: string };

/** The handler's `Data`: every attribute under its CloudFormation name. */
export function resourceData(values: ResourceAttributes): Record<string, string> {
  const data: Record<string, string> = {};
  for (const key of Object.keys(ATTRIBUTES) as Array<keyof typeof ATTRIBUTES>) data[ATTRIBUTES[key]] = values[key];
  return data;
}

/** The environment variable that carries the invocation budget to the handler. */
export const BUDGET_ENV = 'DSQL_MIGRATIONS_INVOCATION_BUDGET_MS';

/** DSQL ends a transaction after 5 minutes (docs/dsql-facts.md §2); one more minute for the bookkeeping after it. */
const LAST_TRANSACTION_MS = 6 * 60_000;
/** Longer invocations gain little: isComplete invocations continue where one stopped. */
const MAX_BUDGET_MS = 4 * 60_000;

/**
 * How long one handler invocation starts new transactions: `handlerTimeout` minus 6 minutes (room
 * for a last transaction, which DSQL caps at 5 minutes), at most 4 minutes. A budget of 0 still
 * runs one transaction per invocation, so every invocation makes progress.
 */
export function invocationBudgetMs(handlerTimeoutSeconds: number): number {
  return Math.max(0, Math.min(MAX_BUDGET_MS, handlerTimeoutSeconds * 1000 - LAST_TRANSACTION_MS));
}

/** The budget the construct set in the handler's environment. */
export function budgetFromEnvironment(env: Readonly<Record<string, string | undefined>>): number {
  const value = env[BUDGET_ENV];
  if (value === undefined || !/^\d+$/.test(value)) {
    throw new Error(`${BUDGET_ENV} must be a whole number of milliseconds, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}
