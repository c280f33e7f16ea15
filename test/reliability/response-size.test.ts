import * as fs from 'fs';
import * as path from 'path';
import type { CdkCustomResourceIsCompleteEvent } from 'aws-lambda';
import { freshDatabase } from '../support/database';
import { cfnEvent, isCompleteEvent, localHandlers, synthExample, tempDir } from '../support/harness';

// The framework's Lambda gets these from its runtime; only its HTTP PUT to CloudFormation is replaced here.
jest.mock('@aws-sdk/client-lambda', () => ({}), { virtual: true });
jest.mock('@aws-sdk/client-sfn', () => ({}), { virtual: true });

/** The Provider framework's own runtime, as it runs in its framework Lambda. */
const RUNTIME = path.join(__dirname, '..', '..', 'node_modules', 'aws-cdk-lib', 'custom-resources', 'lib', 'provider-framework', 'runtime');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cfnResponse = require(path.join(RUNTIME, 'cfn-response.js'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const outbound = require(path.join(RUNTIME, 'outbound.js'));

/** CloudFormation's limit for a whole custom resource response. */
const CFN_RESPONSE_LIMIT = 4096;

/**
 * What the framework PUTs to CloudFormation when the user handler fails: it wraps the handler's
 * errorMessage with the log group (invokeUserFunction), then safeHandler sends the error's stack
 * as Reason, with the event's Data.
 */
async function frameworkResponse(handlerMessage: string, event: CdkCustomResourceIsCompleteEvent): Promise<string> {
  const bodies: string[] = [];
  const put = jest.spyOn(outbound, 'httpRequest').mockImplementation(async (_options: unknown, body: unknown) => void bodies.push(String(body)));
  const quiet = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    const functionName = 'DsqlMigrationsExample-DsqlMigrationsProviderOnEventHandl-AbCdEfGhIjKl';
    const message = [handlerMessage, '', `Logs: /aws/lambda/${functionName}`, ''].join('\n');
    await cfnResponse.safeHandler(async () => {
      throw new Error(message);
    })({ ...event, ResponseURL: 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/arn%3Aaws%3Acloudformation%3Aus-east-1%3A123456789012%3Astack/DsqlMigrationsExample/1b2c3d4e/DbMigrations7A4E6F2B?X-Amz-Algorithm=AWS4-HMAC-SHA256' });
  } finally {
    put.mockRestore();
    quiet.mockRestore();
  }
  expect(bodies).toHaveLength(1);
  return bodies[0];
}

test('a failure with 40 changed files fits CloudFormation\'s response; the full detail is in the logs', async () => {
  const url = await freshDatabase('reason');
  const dir = tempDir('reason-migrations');
  const write = (note: string) => {
    for (let i = 1; i <= 40; i++) {
      fs.writeFileSync(path.join(dir, `${String(i).padStart(4, '0')}_a_rather_long_descriptive_migration_name_number_${i}.sql`), `-- ${note}\nCREATE TABLE IF NOT EXISTS t${i} (id INT PRIMARY KEY);\n`);
    }
  };
  write('first');
  const first = synthExample(dir, path.join(tempDir('reason-out'), 'cdk.out'));
  const created = await localHandlers(url, first.outdir).onEvent(cfnEvent('Create', first.properties));
  write('edited');
  const edited = synthExample(dir, path.join(tempDir('reason-out'), 'cdk.out'));
  const logged: unknown[] = [];
  const update = cfnEvent('Update', edited.properties, { oldProperties: first.properties });
  const error = await localHandlers(url, edited.outdir, (e) => logged.push(e)).onEvent(update).catch((e: Error) => e);
  expect(error).toBeInstanceOf(Error);
  const message = (error as Error).message;
  expect(message).toMatch(/^0001_a_rather_long_descriptive_migration_name_number_1\.sql was changed after it was applied/);
  expect(message).toMatch(/39 more problems/);

  // isComplete's failure carries the Data of onEvent's answer: the heaviest response there is.
  const body = await frameworkResponse(message, isCompleteEvent(update, { PhysicalResourceId: created.PhysicalResourceId, Data: { ...created.Data, AppliedThisDeployment: 'x'.repeat(1024) } }));
  expect(Buffer.byteLength(body, 'utf8')).toBeLessThanOrEqual(CFN_RESPONSE_LIMIT);
  expect(JSON.parse(body)).toMatchObject({ Status: 'FAILED', Reason: expect.stringContaining('0001_a_rather_long_descriptive_migration_name_number_1.sql') });
  const full = JSON.stringify(logged);
  for (let i = 1; i <= 40; i++) expect(full).toContain(`${String(i).padStart(4, '0')}_a_rather_long_descriptive_migration_name_number_${i}.sql was changed`);
});
