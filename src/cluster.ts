import { Arn, ArnFormat, IResource, Lazy, RemovalPolicy, Resource, Stack, Tags, Token, aws_cloudwatch as cloudwatch, aws_dsql as dsql, aws_iam as iam, aws_kms as kms } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/**
 * An Aurora DSQL cluster, created in this app or imported.
 */
export interface IDsqlCluster extends IResource, dsql.IClusterRef, iam.IResourceWithPolicyV2 {
  /**
   * The cluster identifier, e.g. `foo0bar1baz2quux3quux4uux5`.
   *
   * @attribute
   */
  readonly clusterIdentifier: string;

  /**
   * The cluster ARN, `arn:aws:dsql:<region>:<account>:cluster/<identifier>`.
   *
   * @attribute
   */
  readonly clusterArn: string;

  /**
   * The host name clients connect to: `<identifier>.dsql.<region>.on.aws`.
   *
   * @attribute
   */
  readonly clusterEndpoint: string;

  /**
   * Grants the given IAM actions on this cluster.
   */
  grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant;

  /**
   * Grants `dsql:DbConnect`: connecting as a custom database role (not `admin`).
   */
  grantConnect(grantee: iam.IGrantable): iam.Grant;

  /**
   * Grants `dsql:DbConnectAdmin`: connecting as the `admin` role.
   */
  grantConnectAdmin(grantee: iam.IGrantable): iam.Grant;

  /**
   * A metric of this cluster in the `AWS/AuroraDSQL` namespace, with the `ClusterId` dimension.
   *
   * @param metricName a metric AWS documents for Aurora DSQL, e.g. `TotalTransactions`, `WriteDPU`
   * @see https://docs.aws.amazon.com/aurora-dsql/latest/userguide/cloudwatch-monitoring.html
   */
  metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * `TotalTransactions`: transactions run, read-only ones included.
   *
   * @default - sum over 5 minutes
   */
  metricTotalTransactions(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * `OccConflicts`: transactions aborted by an optimistic concurrency conflict (SQLSTATE 40001),
   * which clients must retry.
   *
   * @default - sum over 5 minutes
   */
  metricOccConflicts(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * `QueryTimeouts`: queries stopped by the maximum transaction time.
   *
   * @default - sum over 5 minutes
   */
  metricQueryTimeouts(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * `CommitLatency`: time spent committing, in milliseconds (DSQL publishes its median).
   *
   * @default - average over 5 minutes
   */
  metricCommitLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * `TotalDPU`: distributed processing units used, the unit DSQL bills activity in
   * (the sum of `ComputeDPU`, `ReadDPU` and `WriteDPU`, plus `MultiRegionWriteDPU` on peered clusters).
   *
   * @default - sum over 5 minutes
   */
  metricTotalDpu(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * `ClusterStorageSize`: the cluster's size in bytes, billed as storage.
   *
   * @default - maximum over 5 minutes
   */
  metricClusterStorageSize(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}

/**
 * Properties of a `DsqlCluster`.
 */
export interface DsqlClusterProps {
  /**
   * Whether DSQL refuses to delete the cluster until deletion protection is turned off.
   *
   * @default - true when the removal policy is RETAIN (the default), false otherwise
   */
  readonly deletionProtection?: boolean;

  /**
   * What happens to the cluster when it leaves the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * A customer managed KMS key to encrypt the cluster with. Its key policy must let Aurora DSQL
   * use it.
   *
   * @default - an AWS owned key
   */
  readonly kmsKey?: kms.IKey;

  /**
   * Makes this cluster one of a peered multi-Region pair: the Region that stores the witness
   * log (it must differ from this cluster's Region). A multi-Region cluster stays PENDING_SETUP
   * until a peer in another Region names it in `peerClusterArns`.
   *
   * Migrations need to run against one of the peers only: peered clusters present one logical
   * database, and schema changes committed through one endpoint are visible through the other.
   *
   * @default - a single-Region cluster
   */
  readonly witnessRegion?: string;

  /**
   * ARNs of the peer clusters in other Regions (with `witnessRegion`).
   *
   * @default - no peers yet
   */
  readonly peerClusterArns?: string[];

  /**
   * A name for the cluster, set as its `Name` tag.
   *
   * @default - no Name tag
   */
  readonly clusterName?: string;

  /**
   * The cluster's resource-based policy, for example a statement that denies `dsql:DbConnect*`
   * from outside a VPC. Add statements later with `addToResourcePolicy`.
   *
   * @see https://docs.aws.amazon.com/aurora-dsql/latest/APIReference/API_PutClusterPolicy.html
   * @default - no resource-based policy
   */
  readonly resourcePolicy?: iam.PolicyDocument;
}

/**
 * Attributes of a cluster created outside this stack.
 */
export interface DsqlClusterAttributes {
  /**
   * The cluster identifier.
   */
  readonly clusterIdentifier: string;

  /**
   * The cluster's Region.
   *
   * @default - the Region of the stack the cluster is imported into
   */
  readonly region?: string;

  /**
   * The cluster's account.
   *
   * @default - the account of the stack the cluster is imported into
   */
  readonly account?: string;

  /**
   * The host name to connect to, for example a PrivateLink endpoint name.
   *
   * @default `<identifier>.dsql.<region>.on.aws`
   */
  readonly clusterEndpoint?: string;
}

abstract class DsqlClusterBase extends Resource implements IDsqlCluster {
  public abstract readonly clusterIdentifier: string;
  public abstract readonly clusterArn: string;
  public abstract readonly clusterEndpoint: string;

  public get clusterRef(): dsql.ClusterReference {
    return { identifier: this.clusterIdentifier };
  }

  public grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [this.clusterArn] });
  }

  public grantConnect(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, 'dsql:DbConnect');
  }

  public grantConnectAdmin(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, 'dsql:DbConnectAdmin');
  }

  /**
   * Adds a statement to the cluster's resource-based policy. An imported cluster's policy is
   * not managed by this stack: the statement is not added.
   */
  public abstract addToResourcePolicy(statement: iam.PolicyStatement): iam.AddToResourcePolicyResult;

  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/AuroraDSQL',
      metricName,
      dimensionsMap: { ClusterId: this.clusterIdentifier },
      ...props,
    }).attachTo(this);
  }

  public metricTotalTransactions(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('TotalTransactions', { statistic: cloudwatch.Stats.SUM, ...props });
  }

  public metricOccConflicts(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('OccConflicts', { statistic: cloudwatch.Stats.SUM, ...props });
  }

  public metricQueryTimeouts(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('QueryTimeouts', { statistic: cloudwatch.Stats.SUM, ...props });
  }

  public metricCommitLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('CommitLatency', { statistic: cloudwatch.Stats.AVERAGE, unit: cloudwatch.Unit.MILLISECONDS, ...props });
  }

  public metricTotalDpu(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('TotalDPU', { statistic: cloudwatch.Stats.SUM, ...props });
  }

  public metricClusterStorageSize(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ClusterStorageSize', { statistic: cloudwatch.Stats.MAXIMUM, unit: cloudwatch.Unit.BYTES, ...props });
  }
}

/**
 * An Amazon Aurora DSQL cluster (an L2 over `AWS::DSQL::Cluster`).
 *
 * @example
 * const cluster = new DsqlCluster(this, 'Cluster', { deletionProtection: true });
 */
export class DsqlCluster extends DsqlClusterBase {
  /**
   * Imports a cluster created elsewhere.
   */
  public static fromClusterAttributes(scope: Construct, id: string, attrs: DsqlClusterAttributes): IDsqlCluster {
    class Imported extends DsqlClusterBase {
      public readonly clusterIdentifier = attrs.clusterIdentifier;
      public readonly clusterArn: string;
      public readonly clusterEndpoint: string;
      constructor() {
        super(scope, id, { account: attrs.account, region: attrs.region });
        const stack = Stack.of(this);
        this.clusterArn = stack.formatArn({
          service: 'dsql',
          resource: 'cluster',
          resourceName: attrs.clusterIdentifier,
          region: attrs.region,
          account: attrs.account,
          arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
        });
        this.clusterEndpoint = attrs.clusterEndpoint ?? dsqlEndpoint(attrs.clusterIdentifier, attrs.region ?? stack.region);
      }
      public addToResourcePolicy(_statement: iam.PolicyStatement): iam.AddToResourcePolicyResult {
        return { statementAdded: false };
      }
    }
    return new Imported();
  }

  /**
   * The identifier of the cluster.
   */
  public readonly clusterIdentifier: string;

  /**
   * The ARN of the cluster.
   */
  public readonly clusterArn: string;

  /**
   * The host name clients connect to.
   */
  public readonly clusterEndpoint: string;

  /**
   * The name of the cluster's PrivateLink service, `com.amazonaws.<region>.dsql-<suffix>`: create
   * an interface VPC endpoint for it to reach the cluster from a VPC without internet access.
   *
   * @attribute
   */
  public readonly vpcEndpointServiceName: string;

  /**
   * The host name for connecting to the cluster through an interface VPC endpoint of its
   * PrivateLink service (`vpcEndpointServiceName`).
   *
   * @attribute
   */
  public readonly vpcEndpoint: string;

  /**
   * The underlying `AWS::DSQL::Cluster` resource.
   */
  public readonly cfnCluster: dsql.CfnCluster;

  private policy?: iam.PolicyDocument;

  constructor(scope: Construct, id: string, props: DsqlClusterProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    if (props.peerClusterArns && !props.witnessRegion) {
      throw new Error(`${this.node.path}: peerClusterArns needs witnessRegion (peered clusters share a witness Region)`);
    }
    const region = Stack.of(this).region;
    if (props.witnessRegion && !Token.isUnresolved(region) && props.witnessRegion === region) {
      throw new Error(`${this.node.path}: witnessRegion must differ from the cluster's Region (${region})`);
    }
    this.cfnCluster = new dsql.CfnCluster(this, 'Resource', {
      deletionProtectionEnabled: props.deletionProtection ?? removalPolicy === RemovalPolicy.RETAIN,
      kmsEncryptionKey: props.kmsKey?.keyArn,
      multiRegionProperties: props.witnessRegion ? { witnessRegion: props.witnessRegion, clusters: props.peerClusterArns } : undefined,
      // A JSON string in CloudFormation; rendered at synth so that later statements are included.
      policyDocument: Lazy.string({ produce: () => (this.policy?.isEmpty === false ? Stack.of(this).toJsonString(this.policy) : undefined) }),
    });
    this.policy = props.resourcePolicy;
    this.node.addValidation({ validate: () => this.validatePolicy() });
    this.cfnCluster.applyRemovalPolicy(removalPolicy);
    if (props.clusterName) Tags.of(this).add('Name', props.clusterName);

    this.clusterIdentifier = this.cfnCluster.attrIdentifier;
    this.clusterArn = this.cfnCluster.attrResourceArn;
    // Built from the identifier, the documented endpoint format (docs/dsql-facts.md §5, §6).
    this.clusterEndpoint = dsqlEndpoint(this.clusterIdentifier, Stack.of(this).region);
    this.vpcEndpointServiceName = this.cfnCluster.attrVpcEndpointServiceName;
    this.vpcEndpoint = this.cfnCluster.attrVpcEndpoint;
  }

  public addToResourcePolicy(statement: iam.PolicyStatement): iam.AddToResourcePolicyResult {
    this.policy ??= new iam.PolicyDocument();
    this.policy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.cfnCluster };
  }

  private validatePolicy(): string[] {
    if (!this.policy) return [];
    const errors = this.policy.validateForResourcePolicy();
    // The policy is a property of the cluster itself, so naming the cluster's own ARN (or any of its
    // attributes) would be a circular reference. A cluster policy applies to its cluster only.
    const stack = Stack.of(this);
    if (JSON.stringify(stack.resolve(this.policy)).includes(`"${stack.getLogicalId(this.cfnCluster)}"`)) {
      errors.push("the resource policy refers to this cluster's own attributes (e.g. clusterArn): use resources: ['*'], which means this cluster");
    }
    return errors;
  }
}

/** `<identifier>.dsql.<region>.on.aws`, the public endpoint of a DSQL cluster. */
export function dsqlEndpoint(identifier: string, region: string): string {
  return `${identifier}.dsql.${region}.on.aws`;
}

/** The ARN of any cluster reference: ours, the L1 `CfnCluster`, or another L2. */
export function clusterArnOf(cluster: dsql.IClusterRef): string {
  if (isDsqlCluster(cluster)) return cluster.clusterArn;
  return Arn.format(
    {
      service: 'dsql',
      resource: 'cluster',
      resourceName: cluster.clusterRef.identifier,
      region: cluster.env.region,
      account: cluster.env.account,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    },
    Stack.of(cluster),
  );
}

/** The endpoint of any cluster reference. */
export function clusterEndpointOf(cluster: dsql.IClusterRef): string {
  if (isDsqlCluster(cluster)) return cluster.clusterEndpoint;
  return dsqlEndpoint(cluster.clusterRef.identifier, cluster.env.region);
}

function isDsqlCluster(x: dsql.IClusterRef): x is IDsqlCluster {
  return typeof (x as Partial<IDsqlCluster>).clusterEndpoint === 'string' && typeof (x as Partial<IDsqlCluster>).clusterArn === 'string';
}
