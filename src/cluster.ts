import { Arn, ArnFormat, IResource, RemovalPolicy, Resource, Stack, Tags, Token, aws_dsql as dsql, aws_iam as iam, aws_kms as kms } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/**
 * An Aurora DSQL cluster, created in this app or imported.
 */
export interface IDsqlCluster extends IResource, dsql.IClusterRef {
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
   * The underlying `AWS::DSQL::Cluster` resource.
   */
  public readonly cfnCluster: dsql.CfnCluster;

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
    });
    this.cfnCluster.applyRemovalPolicy(removalPolicy);
    if (props.clusterName) Tags.of(this).add('Name', props.clusterName);

    this.clusterIdentifier = this.cfnCluster.attrIdentifier;
    this.clusterArn = this.cfnCluster.attrResourceArn;
    // Built from the identifier, the documented endpoint format (dsql-facts §5, §6).
    this.clusterEndpoint = dsqlEndpoint(this.clusterIdentifier, Stack.of(this).region);
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
