import {
  ATTRIBUTES, BUDGET_ENV, budgetFromEnvironment, HANDLED, invocationBudgetMs, MigrationsResourceProperties,
  adoptionOf, policyOf, resourceData, resourceProperties, ResourceInput,
} from '../../src/resource-contract';

const required: ResourceInput = {
  clusterEndpoint: 'abc.dsql.us-east-1.on.aws',
  region: 'us-east-1',
  migrationsBucket: 'bucket',
  migrationsKey: 'key.json',
  migrationSetHash: 'hash',
};
const everyOption: ResourceInput = { ...required, allowChangedMigrations: true, allowOutOfOrder: true, baselineVersion: '0003', parameters: { appRoleArn: 'arn:aws:iam::1:role/app' }, adoptHistory: { from: 'flyway', table: 'legacy.history' }, roleMappings: [{ DatabaseRole: 'app_user', PrincipalArn: 'arn:aws:iam::1:role/app' }], oneMessageTransactions: true };

describe('resource properties', () => {
  test('every property of the contract is written when every option is set', () => {
    expect(Object.keys(resourceProperties(everyOption)).sort()).toEqual(Object.keys(HANDLED).sort());
  });

  test('options left at their default write no property, so the template stays as it was', () => {
    expect(Object.keys(resourceProperties(required)).sort()).toEqual(Object.entries(HANDLED).filter(([, by]) => by === 'connection' || by === 'files').map(([key]) => key).sort());
  });

  test('every policy property changes the runner options it is read into', () => {
    const defaults = policyOf(resourceProperties(required));
    expect(defaults).toEqual({ onChangedFile: undefined, outOfOrder: undefined, baselineVersion: undefined });
    const all = resourceProperties(everyOption);
    for (const key of Object.keys(HANDLED) as Array<keyof MigrationsResourceProperties>) {
      if (HANDLED[key] !== 'policy') continue;
      const one = { ...resourceProperties(required), [key]: all[key] };
      expect({ key, policy: policyOf(one) }).not.toEqual({ key, policy: defaults });
    }
    expect(policyOf(all)).toEqual({ onChangedFile: 'accept', outOfOrder: 'apply', baselineVersion: '0003', parameters: { appRoleArn: 'arn:aws:iam::1:role/app' }, oneMessageTransactions: true });
  });

  test.each([
    ['OnChangedFile', 'yes', /OnChangedFile must be one of fail, accept, got "yes"/],
    ['OutOfOrder', 'true', /OutOfOrder must be one of fail, apply, got "true"/],
    ['BaselineVersion', 'v3', /BaselineVersion must be a migration version .* got "v3"/],
    ['Parameters', ['x'], /Parameters must be a map of names to strings/],
    ['OneMessageTransactions', 'yes', /OneMessageTransactions must be one of true, got "yes"/],
    ['Parameters', { n: 3 }, /Parameters must be a map of names to strings/],
  ])('a value the construct never writes is refused: %s=%s', (key, value, message) => {
    expect(() => policyOf({ ...resourceProperties(required), [key]: value })).toThrow(message);
  });

  test('the explicit defaults and an empty baseline read as the defaults', () => {
    expect(policyOf({ ...resourceProperties(required), OnChangedFile: 'fail', OutOfOrder: 'fail', BaselineVersion: '' })).toEqual({
      onChangedFile: 'fail', outOfOrder: 'fail', baselineVersion: undefined,
    });
  });

  test('the adoption properties are read back as the adoption; an unknown tool is refused', () => {
    expect(adoptionOf(resourceProperties(required))).toBeUndefined();
    expect(adoptionOf(resourceProperties(everyOption))).toEqual({ from: 'flyway', table: 'legacy.history' });
    expect(adoptionOf(resourceProperties({ ...required, adoptHistory: { from: 'prisma' } }))).toEqual({ from: 'prisma', table: undefined });
    expect(() => adoptionOf({ ...resourceProperties(required), AdoptFrom: 'liquibase' })).toThrow(/AdoptFrom must be one of flyway, golang-migrate, dbmate, prisma, drizzle, got "liquibase"/);
  });

  test('the handler data names every attribute as the construct reads it', () => {
    expect(resourceData({ latestVersion: '0007', appliedCount: '7', appliedThisDeployment: '0001,0007', pending: '' })).toEqual({
      LatestVersion: '0007', AppliedCount: '7', AppliedThisDeployment: '0001,0007', Pending: '',
    });
    expect(Object.values(ATTRIBUTES)).toEqual(['LatestVersion', 'AppliedCount', 'AppliedThisDeployment', 'Pending']);
  });
});

describe('invocation budget', () => {
  test.each([
    [600, 4 * 60_000], // the default handlerTimeout: 10 minutes - 6
    [900, 4 * 60_000], // longer timeouts keep the cap
    [540, 3 * 60_000],
    [420, 60_000],
    [360, 0], // at least one transaction per invocation all the same (the runner's rule)
    [60, 0],
  ])('handlerTimeout %i s gives %i ms', (seconds, budget) => {
    expect(invocationBudgetMs(seconds)).toBe(budget);
  });

  test('the handler reads it from its environment, and refuses a missing or malformed value', () => {
    expect(budgetFromEnvironment({ [BUDGET_ENV]: '240000' })).toBe(240_000);
    expect(budgetFromEnvironment({ [BUDGET_ENV]: '0' })).toBe(0);
    expect(() => budgetFromEnvironment({})).toThrow(`${BUDGET_ENV} must be a whole number of milliseconds, got undefined`);
    expect(() => budgetFromEnvironment({ [BUDGET_ENV]: '4m' })).toThrow('got "4m"');
    expect(() => budgetFromEnvironment({ [BUDGET_ENV]: '' })).toThrow('got ""');
  });
});
