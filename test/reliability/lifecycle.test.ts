import * as fs from 'fs';
import * as path from 'path';
import { postgresConnector } from '../../connectors';
import { createHandlers } from '../../lambda/handler';
import { readManifest } from '../../src/engine/manifest';
import { asyncJobEmulator, createSysJobs } from '../support/async-jobs';
import { freshDatabase, queryRows as sql } from '../support/database';
import { cfnEvent, isCompleteEvent, localHandlers, synthExample, tempDir } from '../support/harness';

const EXAMPLES = path.join(__dirname, '..', '..', 'migrations');


function synthFolder(count: number) {
  const dir = tempDir('lifecycle-migrations');
  for (const f of fs.readdirSync(EXAMPLES).sort().slice(0, count)) fs.copyFileSync(path.join(EXAMPLES, f), path.join(dir, f));
  return synthExample(dir, path.join(tempDir('lifecycle-out'), 'cdk.out'));
}

describe('async index jobs through isComplete', () => {
  test('onEvent hands the job ids to isComplete, which waits while they run and completes when they have', async () => {
    const url = await freshDatabase('jobs');
    await createSysJobs(url);
    // Another tool's failed job, which a filter-ignoring server returns with the deploy's own.
    await sql(url, "INSERT INTO sys.jobs (job_id, status, details, object_name) VALUES ('zzzzzzzzzzzzzzzzzzzzzzzzzz', 'failed', 'someone else''s job', 'public.elsewhere_idx')");
    const stack = synthFolder(99);
    const handlers = createHandlers({
      dialect: 'dsql',
      connect: () => asyncJobEmulator(url),
      loadMigrations: async (p) => readManifest(fs.readFileSync(path.join(stack.outdir, `asset.${p.MigrationsKey}`), 'utf8')),
      log: () => undefined,
    });
    const event = cfnEvent('Create', stack.properties);
    const created = await handlers.onEvent(event);
    expect(created.Data?.Pending).toBe('jobs');
    const jobIds = (await sql(url, 'SELECT job_id FROM schema_migrations_jobs ORDER BY created_at')).map((r) => String(r.job_id));
    expect(jobIds).toHaveLength(4); // three indexes in 0002, one in 0005
    expect(new Set(jobIds).size).toBe(4);

    expect(await handlers.isComplete(isCompleteEvent(event, created))).toEqual({ IsComplete: false });
    await sql(url, `UPDATE sys.jobs SET status = 'processing' WHERE job_id = '${jobIds[0]}'`);
    await sql(url, `UPDATE sys.jobs SET status = 'completed' WHERE job_id <> '${jobIds[0]}' AND job_id <> 'zzzzzzzzzzzzzzzzzzzzzzzzzz'`);
    expect(await handlers.isComplete(isCompleteEvent(event, created))).toEqual({ IsComplete: false });
    await sql(url, "UPDATE sys.jobs SET status = 'completed' WHERE job_id <> 'zzzzzzzzzzzzzzzzzzzzzzzzzz'");
    expect(await handlers.isComplete(isCompleteEvent(event, created))).toMatchObject({ IsComplete: true, Data: { Pending: '', AppliedCount: '7', LatestVersion: '0007' } });
  });
});

describe('CloudFormation lifecycle', () => {
  test('an Update sent during a stack rollback (old, shorter set; database ahead) succeeds without touching the schema', async () => {
    const url = await freshDatabase('rollback');
    const newer = synthFolder(99);
    const older = synthFolder(4);
    await localHandlers(url, newer.outdir).onEvent(cfnEvent('Create', newer.properties));
    const before = await sql(url, 'SELECT version, applied_at FROM schema_migrations ORDER BY version');
    const response = await localHandlers(url, older.outdir).onEvent(cfnEvent('Update', older.properties, { oldProperties: newer.properties }));
    expect(response.Data).toMatchObject({ LatestVersion: before[before.length - 1].version, AppliedCount: String(before.length), AppliedThisDeployment: '' });
    expect(await sql(url, 'SELECT version, applied_at FROM schema_migrations ORDER BY version')).toEqual(before);
  });

  test('no token, password or connection string reaches the logs or the error sent to CloudFormation', async () => {
    const url = await freshDatabase('secrets');
    const password = new URL(url).password;
    expect(password.length).toBeGreaterThan(8);
    const dir = tempDir('secrets-migrations');
    fs.writeFileSync(path.join(dir, '0001_ok.sql'), 'CREATE TABLE IF NOT EXISTS t (id INT PRIMARY KEY);');
    fs.writeFileSync(path.join(dir, '0002_bad.sql'), 'INSERT INTO no_such_table VALUES (1);');
    const stack = synthExample(dir, path.join(tempDir('secrets-out'), 'cdk.out'));
    const printed: string[] = [];
    const spies = (['log', 'info', 'warn', 'error'] as const).map((m) => jest.spyOn(console, m).mockImplementation((...args) => void printed.push(args.join(' '))));
    try {
      const handlers = createHandlers({
        dialect: 'postgresql',
        connect: () => postgresConnector(url),
        loadMigrations: async (p) => readManifest(fs.readFileSync(path.join(stack.outdir, `asset.${p.MigrationsKey}`), 'utf8')),
      });
      const error = await handlers.onEvent(cfnEvent('Create', stack.properties)).catch((e: Error) => e);
      expect(error).toBeInstanceOf(Error);
      printed.push((error as Error).message, String((error as Error).stack));
    } finally {
      spies.forEach((s) => s.mockRestore());
    }
    expect(printed.some((line) => line.includes('"event":"migration-applied"'))).toBe(true);
    for (const line of printed) {
      expect(line).not.toContain(password);
      expect(line).not.toContain(url);
      expect(line).not.toMatch(/X-Amz-Signature|X-Amz-Credential/);
    }
  });
});
