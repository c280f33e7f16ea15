import { Lazy, Stack, Token, aws_dsql as dsql, aws_iam as iam, aws_lambda as lambda } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { clusterArnOf, clusterEndpointOf } from './cluster';
import { databaseRoleProblem } from './engine';
import { RoleMappingProperty } from './resource-contract';

/** The environment variables `grantDatabaseRole` sets on a function, by what they hold. */
export const CONNECTION_ENVIRONMENT = {
  endpoint: 'DSQL_ENDPOINT',
  /** Not AWS_REGION: Lambda reserves it (it is the function's Region, which may differ from the cluster's). */
  region: 'DSQL_REGION',
  databaseRole: 'DSQL_DATABASE_ROLE',
  schemaVersion: 'DSQL_SCHEMA_VERSION',
} as const;

/**
 * The IAM principals a `DsqlMigrations` maps to database roles: the IAM grant, the entries of the
 * custom resource's `RoleMappings` property, and a function's connection settings. Internal.
 */
export class DatabaseRoleGrants {
  private readonly mappings: Array<{ readonly role: string; readonly arn: string }> = [];
  private readonly problems: string[] = [];
  private readonly functionRoles = new Map<lambda.Function, string>();

  constructor(private readonly scope: Construct, private readonly cluster: dsql.IClusterRef) {
    scope.node.addValidation({ validate: () => this.problems });
  }

  /** The `RoleMappings` property: absent until a mapping is added, so that other stacks' templates stay as they were. */
  public get property(): ReadonlyArray<RoleMappingProperty> {
    return Lazy.any({ produce: () => this.resolved() }) as unknown as ReadonlyArray<RoleMappingProperty>;
  }

  public grant(grantee: iam.IGrantable, databaseRole: string, schemaVersion: string): iam.Grant {
    const problem = Token.isUnresolved(databaseRole) ? 'the database role must be known at synth time, not a token' : databaseRoleProblem(databaseRole);
    if (problem !== undefined) this.problems.push(`grantDatabaseRole: ${problem}`);
    const principal = grantee.grantPrincipal as Partial<iam.IRole & iam.IUser>;
    const arn = principal.roleArn ?? principal.userArn;
    if (arn === undefined) {
      this.problems.push(`grantDatabaseRole: ${databaseRole} can only be mapped to an IAM role or user, and the grantee's principal is neither`);
    } else {
      this.mappings.push({ role: databaseRole, arn });
    }
    if (grantee instanceof lambda.Function) this.configure(grantee, databaseRole, schemaVersion);
    // DbConnect, not DbConnectAdmin: enough to log in as a mapped role, never as admin.
    return iam.Grant.addToPrincipal({ grantee, actions: ['dsql:DbConnect'], resourceArns: [clusterArnOf(this.cluster)] });
  }

  /**
   * What the function's code needs to connect. The schema version is the custom resource's
   * attribute, so CloudFormation updates the function after the migrations: new code never
   * runs against an older schema.
   */
  private configure(fn: lambda.Function, databaseRole: string, schemaVersion: string): void {
    const earlier = this.functionRoles.get(fn);
    if (earlier !== undefined && earlier !== databaseRole) {
      this.problems.push(`grantDatabaseRole: ${fn.node.path} already connects as ${earlier}; a function gets one database role (${databaseRole} asked)`);
      return;
    }
    this.functionRoles.set(fn, databaseRole);
    fn.addEnvironment(CONNECTION_ENVIRONMENT.endpoint, clusterEndpointOf(this.cluster));
    fn.addEnvironment(CONNECTION_ENVIRONMENT.region, this.cluster.env.region);
    fn.addEnvironment(CONNECTION_ENVIRONMENT.databaseRole, databaseRole);
    fn.addEnvironment(CONNECTION_ENVIRONMENT.schemaVersion, schemaVersion);
  }

  /** The entries in the order they were added, each once. */
  private resolved(): RoleMappingProperty[] | undefined {
    const stack = Stack.of(this.scope);
    const seen = new Set<string>();
    const entries: RoleMappingProperty[] = [];
    for (const m of this.mappings) {
      const key = JSON.stringify([m.role, stack.resolve(m.arn)]);
      if (seen.has(key)) continue;
      seen.add(key);
      entries.push({ DatabaseRole: m.role, PrincipalArn: m.arn });
    }
    return entries.length > 0 ? entries : undefined;
  }
}
