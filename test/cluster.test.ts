// DsqlCluster around the cluster: PrivateLink attributes, the resource-based policy, CloudWatch
// metrics, and the experimental L2 (@aws-cdk/aws-dsql-alpha) as the cluster of DsqlMigrations.
import * as path from 'path';
import * as dsqlAlpha from '@aws-cdk/aws-dsql-alpha';
import { App, Duration, Stack, aws_cloudwatch as cloudwatch, aws_dsql as dsql, aws_ec2 as ec2, aws_iam as iam } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { DsqlCluster, DsqlDatabase, DsqlMigrations } from '../src';

const EXAMPLE_MIGRATIONS = path.join(__dirname, '..', 'migrations');

function newStack() {
  return new Stack(new App(), 'TestStack', { env: { account: '123456789012', region: 'eu-west-1' } });
}

const clusterAttr = (name: string) => ({ 'Fn::GetAtt': [Match.stringLikeRegexp('^Cluster'), name] });

/**
 * The cluster's `PolicyDocument` property, a JSON string in the template, parsed back. A string
 * with CloudFormation references in it is an `Fn::Join`; each reference is read as `<ref>`.
 */
function policyOf(stack: Stack): any {
  const clusters = Object.values(Template.fromStack(stack).findResources('AWS::DSQL::Cluster')) as any[];
  expect(clusters).toHaveLength(1);
  const doc = clusters[0].Properties.PolicyDocument;
  if (doc === undefined) return undefined;
  const text = typeof doc === 'string' ? doc : doc['Fn::Join'][1].map((part: unknown) => (typeof part === 'string' ? part : '<ref>')).join('');
  return JSON.parse(text);
}

describe('PrivateLink', () => {
  test('the VPC endpoint service name and VPC endpoint are the CloudFormation attributes; the README set-up uses them', () => {
    const stack = newStack();
    const cluster = new DsqlCluster(stack, 'Cluster');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    vpc.addInterfaceEndpoint('Dsql', { service: new ec2.InterfaceVpcEndpointService(cluster.vpcEndpointServiceName, 5432), privateDnsEnabled: true });
    const throughVpc = DsqlCluster.fromClusterAttributes(stack, 'ClusterThroughVpc', { clusterIdentifier: cluster.clusterIdentifier, clusterEndpoint: cluster.vpcEndpoint });
    new DsqlMigrations(stack, 'Schema', { cluster: throughVpc, migrationsPath: EXAMPLE_MIGRATIONS, vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } });

    expect(stack.resolve(cluster.vpcEndpointServiceName)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Cluster/), 'VpcEndpointServiceName'] });
    expect(stack.resolve(cluster.vpcEndpoint)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Cluster/), 'VpcEndpoint'] });
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Interface',
      ServiceName: clusterAttr('VpcEndpointServiceName'),
      PrivateDnsEnabled: true,
    });
    Template.fromStack(stack).hasResourceProperties('Custom::DsqlMigrations', { ClusterEndpoint: clusterAttr('VpcEndpoint') });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.onEvent', VpcConfig: Match.objectLike({ SubnetIds: Match.anyValue() }) });
  });
});

describe('resource-based policy', () => {
  const denyOutsideVpc = () =>
    new iam.PolicyStatement({
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['dsql:DbConnect', 'dsql:DbConnectAdmin'],
      resources: ['*'],
      conditions: { Null: { 'aws:SourceVpc': 'true' } },
    });

  test('no policy: the cluster has no PolicyDocument (the template is unchanged)', () => {
    const stack = newStack();
    new DsqlCluster(stack, 'Cluster');
    expect(policyOf(stack)).toBeUndefined();
  });

  test('the prop and addToResourcePolicy become one JSON policy document on the cluster, tokens resolved', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1 });
    const cluster = new DsqlCluster(stack, 'Cluster', { resourcePolicy: new iam.PolicyDocument({ statements: [denyOutsideVpc()] }) });
    const result = cluster.addToResourcePolicy(
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['dsql:DbConnect'],
        resources: ['*'],
        conditions: { StringNotEquals: { 'aws:SourceVpc': vpc.vpcId } },
      }),
    );
    expect(result.statementAdded).toBe(true);

    // The VPC id is a Ref, so the string is an Fn::Join around it.
    Template.fromStack(stack).hasResourceProperties('AWS::DSQL::Cluster', {
      PolicyDocument: { 'Fn::Join': ['', Match.arrayWith([{ Ref: Match.stringLikeRegexp('^Vpc') }])] },
    });
    const policy = policyOf(stack);
    expect(policy.Version).toBe('2012-10-17');
    expect(policy.Statement).toEqual([
      { Effect: 'Deny', Principal: { AWS: '*' }, Action: ['dsql:DbConnect', 'dsql:DbConnectAdmin'], Resource: '*', Condition: { Null: { 'aws:SourceVpc': 'true' } } },
      { Effect: 'Deny', Principal: { AWS: '*' }, Action: 'dsql:DbConnect', Resource: '*', Condition: { StringNotEquals: { 'aws:SourceVpc': '<ref>' } } },
    ]);
  });

  test('addToResourcePolicy alone creates the policy; DsqlDatabase passes resourcePolicy to its cluster', () => {
    const stack = newStack();
    new DsqlCluster(stack, 'Cluster').addToResourcePolicy(denyOutsideVpc());
    expect(policyOf(stack).Statement).toHaveLength(1);

    const dbStack = newStack();
    new DsqlDatabase(dbStack, 'Db', { migrationsPath: EXAMPLE_MIGRATIONS, resourcePolicy: new iam.PolicyDocument({ statements: [denyOutsideVpc()] }) });
    expect(policyOf(dbStack).Statement[0].Condition).toEqual({ Null: { 'aws:SourceVpc': 'true' } });
  });

  test('an imported cluster does not take statements', () => {
    const stack = newStack();
    const imported = DsqlCluster.fromClusterAttributes(stack, 'Imported', { clusterIdentifier: 'abcdefghijklmnopqrstuvwxyz' });
    expect(imported.addToResourcePolicy(denyOutsideVpc())).toEqual({ statementAdded: false });
  });

  test('synth refuses a statement without a principal, and one that names the cluster itself', () => {
    const noPrincipal = newStack();
    new DsqlCluster(noPrincipal, 'Cluster').addToResourcePolicy(new iam.PolicyStatement({ actions: ['dsql:DbConnect'], resources: ['*'] }));
    expect(() => Template.fromStack(noPrincipal)).toThrow(/at least one IAM principal/);

    const selfReference = newStack();
    const cluster = new DsqlCluster(selfReference, 'Cluster');
    cluster.addToResourcePolicy(new iam.PolicyStatement({ principals: [new iam.AccountRootPrincipal()], actions: ['dsql:DbConnect'], resources: [cluster.clusterArn] }));
    expect(() => Template.fromStack(selfReference)).toThrow(/refers to this cluster's own attributes \(e\.g\. clusterArn\): use resources: \['\*'\]/);
  });
});

describe('CloudWatch metrics', () => {
  test('metric() is in AWS/AuroraDSQL with the ClusterId dimension; the named helpers choose statistic and unit', () => {
    const stack = newStack();
    const cluster = new DsqlCluster(stack, 'Cluster');
    const id = { 'Fn::GetAtt': [expect.stringMatching(/^Cluster/), 'Identifier'] };
    const shape = (m: cloudwatch.Metric) => ({
      ...stack.resolve({ namespace: m.namespace, name: m.metricName, dims: m.dimensions }),
      statistic: m.statistic,
      unit: m.unit,
    });

    expect(shape(cluster.metric('WriteDPU'))).toEqual({ namespace: 'AWS/AuroraDSQL', name: 'WriteDPU', dims: { ClusterId: id }, statistic: 'Average', unit: undefined });
    expect(shape(cluster.metricTotalTransactions())).toMatchObject({ name: 'TotalTransactions', statistic: 'Sum' });
    expect(shape(cluster.metricOccConflicts())).toMatchObject({ name: 'OccConflicts', statistic: 'Sum' });
    expect(shape(cluster.metricQueryTimeouts())).toMatchObject({ name: 'QueryTimeouts', statistic: 'Sum' });
    expect(shape(cluster.metricTotalDpu())).toMatchObject({ name: 'TotalDPU', statistic: 'Sum' });
    expect(shape(cluster.metricCommitLatency())).toMatchObject({ name: 'CommitLatency', statistic: 'Average', unit: cloudwatch.Unit.MILLISECONDS });
    expect(shape(cluster.metricClusterStorageSize())).toMatchObject({ name: 'ClusterStorageSize', statistic: 'Maximum', unit: cloudwatch.Unit.BYTES });
    // Options win over the helpers' defaults.
    const hourly = cluster.metricOccConflicts({ period: Duration.hours(1), statistic: 'Maximum' });
    expect([hourly.period.toMinutes(), hourly.statistic]).toEqual([60, 'Maximum']);
  });

  test('an alarm on OCC conflicts of a new cluster, and a metric of an imported one', () => {
    const stack = newStack();
    const cluster = new DsqlCluster(stack, 'Cluster');
    cluster.metricOccConflicts().createAlarm(stack, 'Conflicts', { threshold: 100, evaluationPeriods: 1 });
    const imported = DsqlCluster.fromClusterAttributes(stack, 'Imported', { clusterIdentifier: 'abcdefghijklmnopqrstuvwxyz' });
    imported.metricTotalDpu().createAlarm(stack, 'Dpu', { threshold: 1_000_000, evaluationPeriods: 1 });

    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/AuroraDSQL',
      MetricName: 'OccConflicts',
      Statistic: 'Sum',
      Period: 300,
      Threshold: 100,
      Dimensions: [{ Name: 'ClusterId', Value: clusterAttr('Identifier') }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'TotalDPU',
      Dimensions: [{ Name: 'ClusterId', Value: 'abcdefghijklmnopqrstuvwxyz' }],
    });
  });
});

describe('the experimental L2 of @aws-cdk/aws-dsql-alpha', () => {
  test('its Cluster is not a cluster reference, its CfnCluster (node.defaultChild) is: migrations connect and are granted on it', () => {
    const stack = newStack();
    const alpha = new dsqlAlpha.Cluster(stack, 'AlphaCluster');
    // @ts-expect-error the alpha Cluster has no clusterRef, so it is not an IClusterRef (what `cluster` takes)
    const notAReference: dsql.IClusterRef = alpha;
    expect(notAReference.clusterRef).toBeUndefined();

    new DsqlMigrations(stack, 'Schema', { cluster: alpha.node.defaultChild as dsql.CfnCluster, migrationsPath: EXAMPLE_MIGRATIONS });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::DSQL::Cluster', 1);
    template.hasResourceProperties('Custom::DsqlMigrations', {
      ClusterEndpoint: { 'Fn::Join': ['', [{ Ref: Match.stringLikeRegexp('^AlphaCluster') }, '.dsql.eu-west-1.on.aws']] },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'dsql:DbConnectAdmin',
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':dsql:eu-west-1:123456789012:cluster/', { Ref: Match.stringLikeRegexp('^AlphaCluster') }]] },
          }),
        ]),
      },
    });
  });

  test('or imported by its identifier and endpoint, which keeps the alpha endpoint attribute', () => {
    const stack = newStack();
    const alpha = new dsqlAlpha.Cluster(stack, 'AlphaCluster');
    const cluster = DsqlCluster.fromClusterAttributes(stack, 'Cluster', { clusterIdentifier: alpha.clusterIdentifier, clusterEndpoint: alpha.clusterEndpoint });
    new DsqlMigrations(stack, 'Schema', { cluster, migrationsPath: EXAMPLE_MIGRATIONS });
    Template.fromStack(stack).hasResourceProperties('Custom::DsqlMigrations', {
      ClusterEndpoint: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AlphaCluster'), 'Endpoint'] },
    });
  });
});
