import * as fs from 'fs';
import * as path from 'path';
import { Client } from 'pg';
import { createHandlers } from '../../lambda/handler';
import { readManifest } from '../../src/engine/manifest';
import { asyncJobEmulator, createSysJobs, EmulatorHooks } from '../support/async-jobs';
import { freshDatabase, queryRows as sql } from '../support/database';
import { cfnEvent, isCompleteEvent, synthExample, tempDir } from '../support/harness';

/** The real handlers on PostgreSQL held to DSQL's rules, with DSQL's async jobs emulated. */
function deployer(url: string, hooks: EmulatorHooks = {}) {
  const dir = tempDir('jobs-migrations');
  return {
    /** One deploy of these files (all written so far), as CloudFormation and the Provider framework drive it. */
    async deploy(files: Record<string, string>) {
      for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
      const stack = synthExample(dir, path.join(tempDir('jobs-out'), 'cdk.out'));
      const handlers = createHandlers({
        dialect: 'dsql',
        connect: () => asyncJobEmulator(url, hooks),
        loadMigrations: async (p) => readManifest(fs.readFileSync(path.join(stack.outdir, `asset.${p.MigrationsKey}`), 'utf8')),
        log: () => undefined,
        runOptions: { strict: true },
      });
      const event = cfnEvent('Update', stack.properties);
      const response = await handlers.onEvent(event);
      return { response, isComplete: () => handlers.isComplete(isCompleteEvent(event, response)) };
    },
  };
}

const users = {
  '0001_users.sql': "CREATE TABLE IF NOT EXISTS users (id INT PRIMARY KEY, email TEXT);\nINSERT INTO users VALUES (1, 'a@example.com'), (2, 'a@example.com');\n",
  '0002_users_email_uq.sql': 'CREATE UNIQUE INDEX ASYNC IF NOT EXISTS users_email_uq ON users (email);\n',
};
const DUPLICATES = 'public.users_email_uq INDEX_BUILD failed found duplicate key(s) while validating index uniqueness';
const failJobs = (url: string) => sql(url, `UPDATE sys.jobs SET status = 'failed', details = '${DUPLICATES}' WHERE status = 'submitted'`);
const completeJobs = (url: string) => sql(url, "UPDATE sys.jobs SET status = 'completed' WHERE status = 'submitted'");

describe('an async job that fails', () => {
  test('fails this deploy and every later one, naming file, object and DSQL\'s message, until a later migration recreates the object', async () => {
    const url = await freshDatabase('jobfail');
    await createSysJobs(url);
    const d = deployer(url);
    const first = await d.deploy(users);
    expect(first.response.Data?.Pending).toBe('jobs');
    expect(await first.isComplete()).toEqual({ IsComplete: false });
    await failJobs(url);
    const expected = /^0002_users_email_uq\.sql:1: index users_email_uq is not valid: DSQL async job \w+ failed: public\.users_email_uq INDEX_BUILD failed found duplicate key/;
    await expect(first.isComplete()).rejects.toThrow(expected);

    // The file stays recorded: the next deploy of the same files must not succeed with the index invalid.
    await expect(d.deploy({})).rejects.toThrow(expected);
    // Nor once DSQL has dropped the finished job from sys.jobs (about 30 minutes later).
    await sql(url, 'DELETE FROM sys.jobs');
    await expect(d.deploy({})).rejects.toThrow(/^0002_users_email_uq\.sql:1: index users_email_uq is not valid/);

    // The way out: fix the data, drop the index and create it again, in a later migration.
    const fixed = await d.deploy({
      '0003_rebuild_users_email_uq.sql': 'DELETE FROM users WHERE id = 2;\nDROP INDEX IF EXISTS users_email_uq;\nCREATE UNIQUE INDEX ASYNC IF NOT EXISTS users_email_uq ON users (email);\n',
    });
    expect(fixed.response.Data?.Pending).toBe('jobs');
    await completeJobs(url);
    expect(await fixed.isComplete()).toMatchObject({ IsComplete: true, Data: { LatestVersion: '0003', AppliedCount: '3' } });
    expect(await sql(url, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'users_email_uq'::regclass")).toEqual([{ indisvalid: true }]);
    // Settled jobs are forgotten; later deploys succeed.
    expect(await sql(url, 'SELECT count(*)::int AS n FROM schema_migrations_jobs')).toEqual([{ n: 0 }]);
    expect((await d.deploy({})).response.Data?.Pending).toBe('');
  });
});

describe('a connection lost after CREATE INDEX ASYNC committed, before its job id was kept', () => {
  test('the deploy still waits for that job, found again in sys.jobs by its object', async () => {
    const url = await freshDatabase('joblost');
    await createSysJobs(url);
    let killed = false;
    const d = deployer(url, {
      afterAsyncIndex: async (pid) => {
        if (killed) return;
        killed = true;
        const admin = new Client({ connectionString: url });
        await admin.connect();
        await admin.query('SELECT pg_terminate_backend($1)', [pid]);
        await admin.end();
      },
    });
    const deploy = await d.deploy({ ...users, '0001_users.sql': 'CREATE TABLE IF NOT EXISTS users (id INT PRIMARY KEY, email TEXT);\n' });
    expect(killed).toBe(true);
    expect(await sql(url, 'SELECT count(*)::int AS n FROM sys.jobs')).toEqual([{ n: 1 }]);
    expect(deploy.response.Data?.Pending).toBe('jobs');
    expect(await deploy.isComplete()).toEqual({ IsComplete: false });
    await completeJobs(url);
    expect(await deploy.isComplete()).toMatchObject({ IsComplete: true });
  });
});
