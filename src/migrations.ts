import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  Annotations,
  CustomResource,
  Duration,
  RemovalPolicy,
  Stack,
  aws_cloudwatch as cloudwatch,
  aws_dsql as dsql,
  aws_ec2 as ec2,
  aws_iam as iam,
  aws_lambda as lambda,
  aws_logs as logs,
  aws_s3_assets as s3_assets,
  aws_stepfunctions as sfn,
  custom_resources as cr,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { checkMigrations, displayFolder, formatDiagnostic, MigrationCheck } from './check';
import { clusterArnOf, clusterEndpointOf } from './cluster';
import { DatabaseRoleGrants } from './database-roles';
import { buildManifest, handlerMemoryNeeded, isVersion, Migration, PARAMETER_NAME, readMigrationFolder, unusedParameterMessage, unusedParameters } from './engine';
import { LintOptions, resolveRuleSettings } from './lint';
import { ATTRIBUTES, BUDGET_ENV, invocationBudgetMs, RESOURCE_TYPE, resourceProperties } from './resource-contract';

/**
 * What a lint rule's finding does at synth time.
 */
export enum LintSeverity {
  /** Fails `cdk synth`. */
  ERROR = 'error',
  /** Becomes a CDK warning annotation. */
  WARNING = 'warning',
  /** The rule does not run. */
  OFF = 'off',
}

/**
 * How `DsqlMigrations` lints its files at synth time.
 */
export interface MigrationLintOptions {
  /**
   * Lint the files at all.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * Severity per rule id (see docs/lint-rules.md), e.g. `{ 'unbounded-dml': LintSeverity.ERROR }`.
   * An unknown rule id fails synth, so a typo cannot silence a rule.
   *
   * @default - each rule's own severity
   */
  readonly rules?: { [ruleId: string]: LintSeverity };
}

/** A migration tool whose history `adoptHistory` reads. */
export enum MigrationTool {
  /** `flyway_schema_history`. */
  FLYWAY = 'flyway',
  /** golang-migrate's `schema_migrations(version, dirty)`, renamed first (this library's table has that name). */
  GOLANG_MIGRATE = 'golang-migrate',
  /** dbmate's `schema_migrations(version)`, renamed first. */
  DBMATE = 'dbmate',
  /** `_prisma_migrations`. */
  PRISMA = 'prisma',
  /** `drizzle.__drizzle_migrations`. */
  DRIZZLE = 'drizzle',
}

/** Where the history of the tool a database was migrated with is. */
export interface MigrationHistorySource {
  /** The tool. */
  readonly from: MigrationTool;
  /**
   * Its history table, `name` or `schema.name`.
   *
   * @default the tool's own table
   */
  readonly table?: string;
}

/**
 * Options of `DsqlMigrations` that do not name the cluster (shared with `DsqlDatabase`).
 */
export interface DsqlMigrationsOptions {
  /**
   * The folder of migration files, `NNNN_description.sql`, and of repeatable files,
   * `R__description.sql` (applied after them, and again whenever their text or the parameter
   * values they use change). The files are validated at synth time and shipped as an asset; a
   * change to any file makes the next deploy apply what is pending.
   */
  readonly migrationsPath: string;

  /**
   * How long one invocation of the migration handler may run. An invocation starts no new
   * transaction after its budget, `handlerTimeout` minus 6 minutes (room for a last transaction,
   * which DSQL ends after 5 minutes), at most 4 minutes, and runs at least one; the next
   * invocation continues where it stopped.
   *
   * These settings belong to the one handler a stack shares: every `DsqlMigrations` in a stack
   * must leave them unset or agree on them.
   *
   * @default Duration.minutes(10)
   */
  readonly handlerTimeout?: Duration;

  /**
   * Memory of the migration handler, in MiB. The handler holds the whole migration set in memory
   * while it applies it; synth fails when the set is too large for this size, and says which size
   * it needs.
   *
   * Shared by every `DsqlMigrations` in the stack, like `handlerTimeout`.
   *
   * @default 256
   */
  readonly handlerMemorySize?: number;

  /**
   * How long a deploy may wait in total for DSQL's async jobs (index builds, constraint
   * validation) started by the migrations.
   *
   * @default Duration.hours(1)
   */
  readonly totalTimeout?: Duration;

  /**
   * How often the deploy checks on async jobs.
   *
   * @default Duration.seconds(15)
   */
  readonly queryInterval?: Duration;

  /**
   * DSQL compatibility lint at synth time: an error fails `cdk synth` with
   * `file:line:col severity rule-id message`, a warning becomes a CDK annotation.
   * In SQL, `-- dsql-migrations-ignore rule-id` suppresses a rule for the next statement and
   * `-- dsql-migrations-ignore-file rule-id` for the file.
   *
   * @default - every rule at its own severity
   */
  readonly lint?: MigrationLintOptions;

  /**
   * Accept migration files that changed after they were applied (the run warns instead of
   * failing). A changed file is never run again either way.
   *
   * @default false
   */
  readonly allowChangedMigrations?: boolean;

  /**
   * Apply a file whose version is older than the newest applied one (for example one merged late
   * from another branch). By default such a file fails the deploy with both file names.
   *
   * @default false
   */
  readonly allowOutOfOrder?: boolean;

  /**
   * Send each data change (a `BEGIN ... COMMIT` block, or consecutive INSERT/UPDATE/DELETE
   * statements) with the runner's bookkeeping write as one message: one round trip instead of one
   * per statement plus BEGIN, COMMIT and the write. Exact resume is kept: the data and its
   * bookkeeping commit together. The DSQL documentation does not say whether DSQL accepts several
   * statements in one message, so this is off unless set; test it against a cluster first.
   *
   * @default false
   */
  readonly oneMessageTransactions?: boolean;

  /**
   * Adopt a database that already holds the schema (an imported cluster): when
   * `schema_migrations` is empty, every versioned file up to this version is recorded as a
   * baseline without being run, and later files are applied. Repeatable files run.
   *
   * @default - no baseline
   */
  readonly baselineVersion?: string;

  /**
   * Values for the `${{ name }}` placeholders of the migration files, substituted by the handler
   * at deploy time (CDK tokens allowed, such as a role's ARN). Placeholders are replaced outside
   * comments, as text: write the quotes yourself (`'${{ appRoleArn }}'`). A placeholder with no
   * value fails synth; a parameter no file uses is a warning. Values are not part of a versioned
   * file's checksum, so a new value does not change applied versioned files; a repeatable
   * (`R__`) file that uses the parameter is applied again. Values are never logged.
   *
   * @default - no parameters
   */
  readonly parameters?: { [name: string]: string };

  /**
   * Adopt a database migrated with another tool: while `schema_migrations` holds no record, the
   * deploy first records the files that tool's history table lists as applied (without running
   * them, and without altering that table), then applies the rest. A history that disagrees with
   * the files, or a dirty or failed entry, fails the deploy with nothing recorded.
   *
   * @default - no adoption
   */
  readonly adoptHistory?: MigrationHistorySource;

  /**
   * Runs the migration handler in this VPC, for clusters reached through their PrivateLink
   * (interface VPC) endpoint. Without a VPC the handler reaches the public endpoint over TLS.
   * Shared by every `DsqlMigrations` in the stack.
   *
   * @default - not in a VPC
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Where in the VPC the handler runs.
   *
   * @default - the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Security groups of the handler in the VPC.
   *
   * They must allow outbound TCP 5432 to the DSQL endpoint (and HTTPS to S3 and STS, or VPC
   * endpoints for them).
   *
   * @default - a new security group with all outbound traffic allowed
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * Creates a CloudWatch alarm that fires when the migration handler fails (a failed deploy of
   * the migrations), available as `failureAlarm`. Add an action to it to be notified.
   *
   * @default false
   */
  readonly failureAlarm?: boolean;

  /**
   * How long the handler's logs are kept.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * What happens to the handler's log groups (handler, framework and waiter logs) when the stack
   * is deleted. By default they are kept, with their retention, so that the record of the last
   * deploys outlives the stack; `RemovalPolicy.DESTROY` deletes them with it.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * Properties of `DsqlMigrations`.
 */
export interface DsqlMigrationsProps extends DsqlMigrationsOptions {
  /**
   * The cluster to migrate: a `DsqlCluster`, an imported one, the L1 `CfnCluster`, or any other
   * construct that references an Aurora DSQL cluster.
   */
  readonly cluster: dsql.IClusterRef;
}

/**
 * A custom resource that applies versioned SQL migrations to an Aurora DSQL cluster at deploy time.
 *
 * On Create and Update it applies the pending files in order, one transaction per DDL statement,
 * and records each in `schema_migrations`, then the repeatable (`R__`) files that are new or
 * changed. On Delete it leaves the database untouched. A deploy that changes none of its files,
 * parameters, role mappings or options does not invoke the handler at all.
 */
export class DsqlMigrations extends Construct {
  /**
   * The highest version recorded in `schema_migrations` after the deploy (`Fn::GetAtt`).
   */
  public readonly latestVersion: string;

  /**
   * How many versioned migrations `schema_migrations` holds after the deploy, as a string
   * (`Fn::GetAtt`); repeatable files are not counted.
   */
  public readonly appliedCount: string;

  /**
   * The versions applied by the deploy, comma-separated; shortened to `first..last (N files)`
   * when long (`Fn::GetAtt`). Repeatable files are not listed.
   */
  public readonly appliedThisDeployment: string;

  /**
   * sha256 of the ordered migration set, known at synth time. It is a property of the custom
   * resource, so any change to any file causes an Update (as do new parameter values and role
   * mappings, which are properties too).
   */
  public readonly migrationSetHash: string;

  /**
   * How many migration files the set holds, versioned and repeatable (known at synth time).
   */
  public readonly migrationCount: number;

  /**
   * The underlying custom resource.
   */
  public readonly resource: CustomResource;

  /**
   * The alarm on handler failures, when `failureAlarm` is set (shared by the stack's migrations).
   */
  public readonly failureAlarm?: cloudwatch.IAlarm;

  private readonly roleGrants: DatabaseRoleGrants;

  constructor(scope: Construct, id: string, props: DsqlMigrationsProps) {
    super(scope, id);
    if (props.baselineVersion !== undefined && !isVersion(props.baselineVersion)) {
      throw new Error(`${this.node.path}: baselineVersion must be a migration version (digits, like 0003), got "${props.baselineVersion}"`);
    }
    // Problems with the files fail synth through a validation, so that `cdk synth` lists every one
    // of them at once, in the lint's format, instead of stopping at the first with a stack trace.
    const migrations = this.check(props.migrationsPath, props.lint ?? {}, props.parameters ?? {}) ?? [];
    const manifest = buildManifest(migrations);
    this.migrationSetHash = manifest.setHash;
    this.migrationCount = migrations.length;

    // The manifest is written once per content hash, so repeated synths reuse the same file.
    const manifestDir = path.join(os.tmpdir(), 'cdk-dsql-migrations', manifest.setHash);
    const manifestFile = path.join(manifestDir, 'migrations.json');
    if (!fs.existsSync(manifestFile)) {
      fs.mkdirSync(manifestDir, { recursive: true });
      fs.writeFileSync(manifestFile, JSON.stringify(manifest));
    }
    const asset = new s3_assets.Asset(this, 'Files', { path: manifestFile });

    const provider = MigrationsProvider.of(this, props);
    this.node.addValidation({ validate: () => this.checkHandlerMemory(migrations, props.migrationsPath, provider.memorySize) });
    // Only this one object: the handler reads its own manifest and nothing else in the bucket.
    provider.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [asset.bucket.arnForObjects(asset.s3ObjectKey)] }));
    provider.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['dsql:DbConnectAdmin'], resources: [clusterArnOf(props.cluster)] }),
    );

    this.roleGrants = new DatabaseRoleGrants(this, props.cluster);
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: RESOURCE_TYPE,
      properties: resourceProperties({
        clusterEndpoint: clusterEndpointOf(props.cluster),
        region: props.cluster.env.region,
        migrationsBucket: asset.s3BucketName,
        migrationsKey: asset.s3ObjectKey,
        migrationSetHash: manifest.setHash,
        allowChangedMigrations: props.allowChangedMigrations,
        allowOutOfOrder: props.allowOutOfOrder,
        baselineVersion: props.baselineVersion,
        parameters: props.parameters,
        adoptHistory: props.adoptHistory,
        roleMappings: this.roleGrants.property,
        oneMessageTransactions: props.oneMessageTransactions,
      }),
    });
    // The role's policy must exist before the handler first connects.
    this.resource.node.addDependency(provider.role);

    this.failureAlarm = provider.failureAlarm;
    this.latestVersion = this.resource.getAttString(ATTRIBUTES.latestVersion);
    this.appliedCount = this.resource.getAttString(ATTRIBUTES.appliedCount);
    this.appliedThisDeployment = this.resource.getAttString(ATTRIBUTES.appliedThisDeployment);
  }

  /**
   * Lets `grantee` connect to the cluster as the database role `databaseRole` instead of `admin`.
   *
   * It grants `dsql:DbConnect` (not `DbConnectAdmin`) on the cluster, and the deploy maps the
   * grantee's IAM role (or user) to the database role with `AWS IAM GRANT` after the migrations
   * ran; a mapping removed from the app is revoked (`AWS IAM REVOKE`) by the next deploy. The
   * role and its privileges stay in your SQL: a migration must `CREATE ROLE` it, or the deploy
   * fails naming it. On PostgreSQL the mapping is recorded without the statement, which exists on
   * DSQL only.
   *
   * On a `lambda.Function`, it also sets the environment variables `DSQL_ENDPOINT`, `DSQL_REGION`,
   * `DSQL_DATABASE_ROLE` and `DSQL_SCHEMA_VERSION` (the `latestVersion` the deploy reached, so
   * the function is updated after the migrations). A function connects as one database role: a
   * second role for the same function fails synth.
   *
   * Map roles from one `DsqlMigrations` per cluster: each deploy revokes the recorded mappings its
   * app no longer lists. Removing the custom resource leaves the mappings in place.
   *
   * @param grantee an IAM role, user, or anything with one (a `lambda.Function`)
   * @param databaseRole the role's name as a migration creates it, known at synth: lower-case
   * letters, digits, `_` and `$`, not starting with a digit, at most 63 characters, neither `admin`
   * nor `pg_*` (otherwise synth fails)
   * @returns the grant of `dsql:DbConnect`
   */
  public grantDatabaseRole(grantee: iam.IGrantable, databaseRole: string): iam.Grant {
    return this.roleGrants.grant(grantee, databaseRole, this.latestVersion);
  }

  /** A set the handler cannot hold fails synth here, rather than the deploy with an out-of-memory Lambda. */
  private checkHandlerMemory(migrations: ReadonlyArray<Migration>, migrationsPath: string, memorySize: number): string[] {
    const needed = handlerMemoryNeeded(migrations);
    if (needed.megabytes <= memorySize) return [];
    return [
      `${displayFolder(migrationsPath)} error handler-memory the migrations (${needed.sqlMegabytes.toFixed(1)} MB of SQL, ${needed.statements} statements; ` +
        `the largest file ${needed.largestFile}) need about ${needed.megabytes} MiB in the migration handler, which has ${memorySize} MiB. ` +
        `Set handlerMemorySize to ${Math.ceil(needed.megabytes / 64) * 64} or more, or split large data loads into several files.`,
    ];
  }

  /**
   * Checks the folder: every error (file names, versions, SQL, lint) becomes one line of a
   * validation that fails synth; warnings become annotations. Returns the set when it is valid.
   */
  private check(migrationsPath: string, options: MigrationLintOptions, parameters: Readonly<Record<string, string>>): MigrationCheck['migrations'] {
    const folder = displayFolder(migrationsPath);
    const errors: string[] = [];
    this.node.addValidation({ validate: () => errors });
    let files;
    try {
      files = readMigrationFolder(path.resolve(migrationsPath));
    } catch {
      errors.push(`${folder} error folder-not-found the migrations folder does not exist (migrationsPath is resolved against ${process.cwd()})`);
      return undefined;
    }
    let lint: LintOptions | false = false;
    const names = Object.keys(parameters);
    const badName = names.find((n) => !PARAMETER_NAME.test(n));
    if (badName !== undefined) errors.push(`parameters: "${badName}" is not a parameter name (letters, digits and _, not starting with a digit)`);
    if (options.enabled !== false) {
      try {
        lint = { rules: options.rules ?? {} };
        resolveRuleSettings(lint);
      } catch (e) {
        errors.push(`lint.rules: ${(e as Error).message}`);
        lint = false;
      }
    }
    if (files.sources.length === 0 && files.problems.length === 0) {
      Annotations.of(this).addWarningV2('cdk-dsql-migrations:empty-folder',
        `${folder} warning empty-folder no migration files (NNNN_description.sql) in this folder: the deploy creates the bookkeeping tables and applies nothing`);
    }
    const { migrations, diagnostics } = checkMigrations(files, lint, names);
    for (const name of unusedParameters(files.sources.map((f) => f.sql), names)) {
      Annotations.of(this).addWarningV2('cdk-dsql-migrations:unused-parameter', `${folder} warning unused-parameter ${unusedParameterMessage(name)}`);
    }
    for (const d of diagnostics) {
      const line = formatDiagnostic(folder, d);
      if (d.severity === 'error') errors.push(line);
      else Annotations.of(this).addWarningV2(`cdk-dsql-migrations:${d.ruleId}`, `${line}${d.docUrl ? ` (${d.docUrl})` : ''}`);
    }
    return errors.length === 0 ? migrations : undefined;
  }
}

const PROVIDER_ID = 'DsqlMigrationsProvider';

/** The handler and Provider one stack shares, however many `DsqlMigrations` it holds. */
class MigrationsProvider extends Construct {
  public static of(scope: Construct, options: DsqlMigrationsOptions): MigrationsProvider {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(PROVIDER_ID) as MigrationsProvider | undefined;
    if (!existing) return new MigrationsProvider(stack, PROVIDER_ID, options);
    existing.checkCompatible(scope, options);
    return existing;
  }

  private static settingsOf(options: DsqlMigrationsOptions): Record<string, string> {
    const settings: Record<string, string> = {};
    if (options.handlerTimeout) settings.handlerTimeout = options.handlerTimeout.toHumanString();
    if (options.handlerMemorySize !== undefined) settings.handlerMemorySize = String(options.handlerMemorySize);
    if (options.totalTimeout) settings.totalTimeout = options.totalTimeout.toHumanString();
    if (options.queryInterval) settings.queryInterval = options.queryInterval.toHumanString();
    if (options.logRetention) settings.logRetention = String(options.logRetention);
    if (options.logRemovalPolicy) settings.logRemovalPolicy = options.logRemovalPolicy;
    if (options.vpc) settings.vpc = options.vpc.node.path;
    if (options.vpcSubnets) settings.vpcSubnets = JSON.stringify(options.vpcSubnets, (k, v) => (k === 'subnets' || k === 'subnetFilters' ? undefined : v));
    if (options.securityGroups) settings.securityGroups = options.securityGroups.map((g) => g.node.path).join(',');
    if (options.failureAlarm) settings.failureAlarm = 'true';
    return settings;
  }

  public readonly role: iam.Role;
  public readonly serviceToken: string;
  public readonly memorySize: number;
  public readonly failureAlarm?: cloudwatch.Alarm;
  private readonly settings: Record<string, string>;

  private constructor(scope: Construct, id: string, options: DsqlMigrationsOptions) {
    super(scope, id);
    this.settings = MigrationsProvider.settingsOf(options);
    this.memorySize = options.handlerMemorySize ?? 256;
    if (!Number.isInteger(this.memorySize) || this.memorySize < 128 || this.memorySize > 10240) {
      throw new Error(`${scope.node.path}: handlerMemorySize must be a whole number of MiB from 128 to 10240 (Lambda's range), got ${this.memorySize}`);
    }
    const code = lambda.Code.fromAsset(handlerBundleDir());
    this.role = new iam.Role(this, 'HandlerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Applies SQL migrations to Aurora DSQL clusters (cdk-dsql-migrations)',
    });
    const retention = options.logRetention ?? logs.RetentionDays.ONE_MONTH;
    const logGroupProps: logs.LogGroupProps = { retention, removalPolicy: options.logRemovalPolicy ?? RemovalPolicy.RETAIN };
    const timeout = options.handlerTimeout ?? Duration.minutes(10);
    const handler = (name: string, entry: string) => {
      const logGroup = new logs.LogGroup(this, `${name}Logs`, logGroupProps);
      logGroup.grantWrite(this.role);
      return new lambda.Function(this, name, {
        code,
        handler: entry,
        runtime: lambda.Runtime.NODEJS_24_X,
        architecture: lambda.Architecture.ARM_64,
        memorySize: this.memorySize,
        timeout,
        // How long an invocation starts new transactions, derived from its timeout (an environment
        // variable, not a resource property, so that changing it causes no Update).
        environment: { [BUDGET_ENV]: String(invocationBudgetMs(timeout.toSeconds())) },
        role: this.role,
        logGroup,
        // The handler writes one JSON object per event (file applied, retry, reconnect, ...);
        // the JSON log format adds the request id and level to each line.
        loggingFormat: lambda.LoggingFormat.JSON,
        vpc: options.vpc,
        vpcSubnets: options.vpc ? options.vpcSubnets : undefined,
        securityGroups: options.vpc ? options.securityGroups : undefined,
        description: `cdk-dsql-migrations ${name === 'OnEvent' ? 'applies pending migrations' : 'finishes long deploys and waits for DSQL async jobs'}`,
      });
    };
    const onEvent = handler('OnEvent', 'index.onEvent');
    const isComplete = handler('IsComplete', 'index.isComplete');
    // The framework's own functions get roles of their own with inline log permissions instead of
    // the AWSLambdaBasicExecutionRole managed policy; the Provider adds the invoke and start grants.
    const frameworkLogs = new logs.LogGroup(this, 'FrameworkLogs', logGroupProps);
    const frameworkRole = (roleId: string) => {
      const role = new iam.Role(this, roleId, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      frameworkLogs.grantWrite(role);
      return role;
    };
    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: onEvent,
      isCompleteHandler: isComplete,
      totalTimeout: options.totalTimeout ?? Duration.hours(1),
      queryInterval: options.queryInterval ?? Duration.seconds(15),
      logGroup: frameworkLogs,
      frameworkOnEventRole: frameworkRole('FrameworkOnEventRole'),
      frameworkCompleteAndTimeoutRole: frameworkRole('FrameworkWaiterRole'),
      disableWaiterStateMachineLogging: false,
      waiterStateMachineLogOptions: {
        destination: new logs.LogGroup(this, 'WaiterLogs', logGroupProps),
        level: sfn.LogLevel.ALL,
      },
    });
    this.serviceToken = provider.serviceToken;

    if (options.failureAlarm) {
      const errors = [onEvent, isComplete].map((fn) => fn.metricErrors({ period: Duration.minutes(1), statistic: 'Sum' }));
      this.failureAlarm = new cloudwatch.Alarm(this, 'FailureAlarm', {
        alarmDescription: 'cdk-dsql-migrations: the migration handler failed; the deploy of the schema did not complete',
        metric: new cloudwatch.MathExpression({ expression: 'e1 + e2', usingMetrics: { e1: errors[0], e2: errors[1] }, period: Duration.minutes(1) }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
  }

  private checkCompatible(scope: Construct, options: DsqlMigrationsOptions) {
    const wanted = MigrationsProvider.settingsOf(options);
    for (const [key, value] of Object.entries(wanted)) {
      if (this.settings[key] !== value) {
        throw new Error(
          `${scope.node.path}: ${key} is ${value}, but the stack's migration handler was set up with ${this.settings[key] ?? 'the default'}. ` +
            'All DsqlMigrations in a stack share one handler: set handler options on the first one only, or the same on each.',
        );
      }
    }
  }
}

/** The esbuild bundle of `lambda/`, built by `npx projen bundle` and shipped in the npm package. */
function handlerBundleDir(): string {
  const dir = path.join(__dirname, '..', 'assets', 'handler');
  if (!fs.existsSync(path.join(dir, 'index.js'))) {
    throw new Error(`The migration handler bundle is missing at ${dir}; run "npx projen bundle" (or a full build) first.`);
  }
  return dir;
}
