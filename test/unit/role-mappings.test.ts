import { databaseRoleProblem, iamGrantStatement, iamRevokeStatement } from '../../src/engine/role-mappings';
import { resourceProperties, ResourceInput, roleMappingsOf } from '../../src/resource-contract';

describe('AWS IAM statements', () => {
  test('the role is a quoted identifier and the ARN an escaped literal', () => {
    const m = { databaseRole: 'app_user', principalArn: 'arn:aws:iam::123456789012:role/Api-Role' };
    expect(iamGrantStatement(m)).toBe('AWS IAM GRANT "app_user" TO \'arn:aws:iam::123456789012:role/Api-Role\'');
    expect(iamRevokeStatement(m)).toBe('AWS IAM REVOKE "app_user" FROM \'arn:aws:iam::123456789012:role/Api-Role\'');
  });

  test('quotes inside a name or an ARN cannot end the identifier or the literal', () => {
    expect(iamGrantStatement({ databaseRole: 'a"b', principalArn: "arn:aws:iam::1:role/x'; DROP TABLE t; --" })).toBe(
      'AWS IAM GRANT "a""b" TO \'arn:aws:iam::1:role/x\'\'; DROP TABLE t; --\'',
    );
  });
});

describe('database role names', () => {
  test.each(['app_user', '_svc', 'reader2', 'a$b'])('%s is accepted', (name) => {
    expect(databaseRoleProblem(name)).toBeUndefined();
  });

  test.each([
    ['admin', /"admin" is the role DSQL manages/],
    ['App_User', /not a database role name: lower-case letters/],
    ['2app', /not a database role name/],
    ['app-user', /not a database role name/],
    ['', /not a database role name/],
    ['a'.repeat(64), /at most 63 characters/],
    ['pg_monitor', /PostgreSQL reserves/],
  ])('%s is refused', (name, message) => {
    expect(databaseRoleProblem(name)).toMatch(message);
  });
});

describe('RoleMappings property', () => {
  const required: ResourceInput = { clusterEndpoint: 'e', region: 'us-east-1', migrationsBucket: 'b', migrationsKey: 'k', migrationSetHash: 'h' };
  const arn = 'arn:aws:iam::123456789012:role/api';

  test('is read back as the mappings; absent reads as none, so the last removed mapping is revoked', () => {
    const props = resourceProperties({ ...required, roleMappings: [{ DatabaseRole: 'app_user', PrincipalArn: arn }] });
    expect(roleMappingsOf(props)).toEqual([{ databaseRole: 'app_user', principalArn: arn }]);
    expect(roleMappingsOf(resourceProperties(required))).toEqual([]);
  });

  test.each([
    ['not a list', { DatabaseRole: 'app_user', PrincipalArn: arn }, /must be a list of \{ DatabaseRole, PrincipalArn \}/],
    ['an entry without ARN', [{ DatabaseRole: 'app_user' }], /must be a list of/],
    ['admin', [{ DatabaseRole: 'admin', PrincipalArn: arn }], /"admin" is the role DSQL manages/],
    ['not an ARN', [{ DatabaseRole: 'app_user', PrincipalArn: 'api-role' }], /"api-role" is not an IAM principal ARN/],
  ])('a value the construct never writes is refused: %s', (_, value, message) => {
    expect(() => roleMappingsOf({ ...resourceProperties(required), RoleMappings: value as never })).toThrow(message);
  });
});
