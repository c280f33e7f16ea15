/**
 * Deploy-time parameters through the CLI (`--param name=value` on apply and plan) and the API
 * (`parameters`): the same check as synth, values inserted as text, never printed.
 */
import './support/require-bundles';
import { freshDatabase } from '../support/database';
import { tempDir } from '../support/harness';
import { cli, query, requireBundles, writeMigrations } from './support/cli';
import { applyMigrations, MigrationValidationError } from 'cdk-dsql-migrations/api';

beforeAll(requireBundles);

const files = {
  '0001_settings.sql': 'CREATE TABLE IF NOT EXISTS settings (k TEXT PRIMARY KEY, v TEXT);\n',
  '0002_role.sql': "INSERT INTO settings VALUES ('role', '${{ appRoleArn }}');\n",
};
const arn = 'arn:aws:iam::123456789012:role/cli-secret';

test('apply and plan take --param; a missing one fails naming file, line and name; values are never printed', async () => {
  const url = await freshDatabase('cli_params');
  const dir = writeMigrations(tempDir('cli-params'), files);

  const missing = await cli(['apply', '--dir', dir, '--url', url]);
  expect(missing.code).toBe(1);
  expect(missing.stderr).toContain('0002_role.sql:1:39 error unknown-parameter placeholder ${{ appRoleArn }} has no value');
  expect((await cli(['plan', '--dir', dir, '--url', url])).stderr).toContain('unknown-parameter');

  const plan = await cli(['plan', '--dir', dir, '--url', url, '--param', `appRoleArn=${arn}`]);
  expect(plan.code).toBe(0);
  expect(plan.stdout).toContain("'${{ appRoleArn }}'");
  expect(plan.stdout + plan.stderr).not.toContain('cli-secret');

  const applied = await cli(['apply', '--dir', dir, '--url', url, '--param', `appRoleArn=${arn}`, '--param', 'env=prod']);
  expect(applied.code).toBe(0);
  expect(applied.stderr).toContain('warning unused-parameter parameter env is given but no migration file uses ${{ env }}');
  expect(applied.stdout + applied.stderr).not.toContain('cli-secret');
  expect(await query(url, 'SELECT v FROM settings')).toEqual([{ v: arn }]);

  // Another value later: the applied file is not "changed".
  const status = await cli(['status', '--dir', dir, '--url', url]);
  expect(status.code).toBe(0);
  expect((await cli(['apply', '--dir', dir, '--url', url, '--param', 'appRoleArn=arn:aws:iam::123456789012:role/other'])).code).toBe(0);

  const malformed = await cli(['apply', '--dir', dir, '--url', url, '--param', 'appRoleArn']);
  expect(malformed.code).not.toBe(0);
  expect(malformed.stderr).toContain('--param must be name=value');
});

test('the API takes parameters, and refuses a placeholder without a value as synth does', async () => {
  const url = await freshDatabase('api_params');
  const migrationsPath = writeMigrations(tempDir('api-params'), files);
  const refused = await applyMigrations({ migrationsPath, connectionString: url }).catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(MigrationValidationError);
  expect((refused as MigrationValidationError).problems).toEqual([
    expect.objectContaining({ fileName: '0002_role.sql', line: 1, column: 39, rule: 'unknown-parameter' }),
  ]);
  await applyMigrations({ migrationsPath, connectionString: url, parameters: { appRoleArn: arn } });
  expect(await query(url, 'SELECT v FROM settings')).toEqual([{ v: arn }]);
});
