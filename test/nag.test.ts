// cdk-nag's AwsSolutions pack on the example stacks: no finding may be left unacknowledged.
//
// cdk-nag 3 is a policy validation plugin, not an Aspect: its findings do not become annotations,
// and `NagSuppressions` is gone. A finding is acknowledged with `Validations.of(construct)
// .acknowledge({ id, reason })` on the resource or an ancestor, one finding id at a time (IAM4/IAM5
// ids carry the finding, e.g. `AwsSolutions-IAM5[Resource::<Fn.Arn>:*]`). The pack's
// `validateScope` returns the unacknowledged findings, errors and warnings alike; an app that
// registers the pack with `Validations.of(app).addPlugins(...)` fails `cdk synth` on the same list.
import { App, CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { ApiRoleStack } from '../examples/api-role/app';
import { ExampleStack } from '../examples/app';

const ENV = { account: '123456789012', region: 'us-east-1' };

/**
 * Acknowledges the findings that the Provider framework (aws-cdk-lib `custom_resources.Provider`)
 * brings with it and that no option of the Provider, nor of this library, can remove.
 */
function acknowledgeProviderFramework(stack: Stack): void {
  const migrations = stack.node.findChild('DsqlMigrationsProvider');
  const provider = migrations.node.findChild('Provider');
  const arnToken = (fn: IConstruct) => `<${stack.getLogicalId(fn.node.defaultChild as CfnElement)}.Arn>`;

  // The framework's onEvent/isComplete/onTimeout functions invoke the library's two handlers.
  for (const name of ['OnEvent', 'IsComplete']) {
    Validations.of(migrations).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${arnToken(migrations.node.findChild(name))}:*]`,
      reason:
        `Provider framework: lambda.Function.grantInvoke gives the framework's functions lambda:InvokeFunction on the ${name} handler's ARN ` +
        'and on <ARN>:*, which is every version and alias of that one function, not other functions.',
    });
  }
  // The waiter state machine invokes the framework's own isComplete and onTimeout functions.
  for (const name of ['framework-isComplete', 'framework-onTimeout']) {
    Validations.of(migrations).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${arnToken(provider.node.findChild(name))}:*]`,
      reason:
        `Provider framework: grantInvoke gives the waiter state machine's role lambda:InvokeFunction on the framework's ${name} function ` +
        'and on <ARN>:*, which is every version and alias of that one function, not other functions.',
    });
  }
  Validations.of(provider.node.findChild('waiter-state-machine')).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'Step Functions logging: the CloudWatch Logs delivery actions CDK grants the waiter state machine role (logs:CreateLogDelivery, ' +
      'GetLogDelivery, UpdateLogDelivery, DeleteLogDelivery, ListLogDeliveries, PutResourcePolicy, DescribeResourcePolicies, ' +
      'DescribeLogGroups) do not support resource-level permissions.',
  });
  Validations.of(provider.node.findChild('waiter-state-machine')).acknowledge({
    id: 'AwsSolutions-SF2',
    reason:
      "The waiter state machine is internal to aws-cdk-lib's custom_resources.Provider, which has no tracing option. It only " +
      're-invokes the isComplete function every queryInterval until the async jobs finish, and calls nothing else to trace.',
  });
}

/** Synthesizes the app, then runs the AwsSolutions pack: `severity rule @ construct path` per finding. */
function unacknowledgedFindings(app: App): string[] {
  app.synth();
  const report = new AwsSolutionsChecks(app).validateScope(app);
  return report.violations
    .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath}`))
    .sort();
}

const cases = [
  {
    name: 'examples/app.ts ExampleStack',
    stackName: 'DsqlMigrationsExample',
    build: (app: App) => new ExampleStack(app, 'DsqlMigrationsExample', { env: ENV }),
  },
  {
    name: 'examples/api-role ApiRoleStack',
    stackName: 'DsqlApiRoleExample',
    build: (app: App) => new ApiRoleStack(app, 'DsqlApiRoleExample', { env: ENV }),
  },
];

describe.each(cases)('cdk-nag AwsSolutions on $name', ({ build }) => {
  let findings: string[];
  beforeAll(() => {
    const app = new App();
    acknowledgeProviderFramework(build(app));
    findings = unacknowledgedFindings(app);
  });

  test('no unacknowledged error or warning', () => {
    expect(findings).toEqual([]);
  });
});

test('acknowledging a finding on an ancestor construct silences it (how cdk-nag 3 matches acknowledgments)', () => {
  const app = new App();
  const stack = new ExampleStack(app, 'DsqlMigrationsExample', { env: ENV });
  Validations.of(stack).acknowledge({ id: 'AwsSolutions-SF1', reason: 'test of the mechanism only' });
  expect(unacknowledgedFindings(app).filter((f) => f.startsWith('AwsSolutions-SF1 '))).toEqual([]);
});
