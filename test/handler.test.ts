import * as fs from 'fs';
import * as path from 'path';
import { summarizeVersions } from '../lambda/handler';
import { MigrationTool } from '../src';
import { freshDatabase, queryRows as query } from './support/database';
import { cfnEvent, isCompleteEvent, localHandlers, synthExample, SynthesizedStack, tempDir } from './support/harness';

const EXAMPLE_MIGRATIONS = path.join(__dirname, '..', 'migrations');
const exampleFiles = fs.readdirSync(EXAMPLE_MIGRATIONS).filter((f) => f.endsWith('.sql')).sort();


/** A migrations folder with the example files up to `count`, plus extra files. */
function folder(count: number, extra: Record<string, string> = {}): string {
  const dir = tempDir('handler-migrations');
  for (const f of exampleFiles.slice(0, count)) fs.copyFileSync(path.join(EXAMPLE_MIGRATIONS, f), path.join(dir, f));
  for (const [name, sql] of Object.entries(extra)) fs.writeFileSync(path.join(dir, name), sql);
  return dir;
}

function synth(dir: string, options?: Parameters<typeof synthExample>[2]): SynthesizedStack {
  return synthExample(dir, path.join(tempDir('handler-cdk-out'), 'cdk.out'), options);
}

const recorded = async (url: string) => (await query(url, 'SELECT version, name FROM schema_migrations ORDER BY version')).map((r) => `${r.version}_${r.name}`);

describe('migration handler on PostgreSQL 16', () => {
  let url: string;
  beforeEach(async () => {
    url = await freshDatabase('handler');
  });

  test('Create applies every migration, records each and returns the attributes', async () => {
    const stack = synth(folder(exampleFiles.length));
    const handlers = localHandlers(url, stack.outdir);
    const event = cfnEvent('Create', stack.properties);
    const response = await handlers.onEvent(event);
    expect(response).toEqual({
      PhysicalResourceId: 'dsql-migrations:abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws',
      Data: {
        LatestVersion: exampleFiles[exampleFiles.length - 1].slice(0, 4),
        AppliedCount: String(exampleFiles.length),
        AppliedThisDeployment: exampleFiles.map((f) => f.slice(0, 4)).join(','),
        Pending: '',
      },
    });
    expect(await handlers.isComplete(isCompleteEvent(event, response))).toEqual({ IsComplete: true });
    expect(await recorded(url)).toEqual(exampleFiles.map((f) => f.replace(/\.sql$/, '')));
    // The schema is really there: columns added by 0003, data seeded by 0007, the view of 0006.
    expect(await query(url, 'SELECT title, priority FROM open_tasks')).toEqual([{ title: 'Read the README', priority: 'high' }]);
    const indexes = await query(url, "SELECT indexname FROM pg_indexes WHERE indexname IN ('tasks_due_idx', 'task_events_task_idx') ORDER BY 1");
    expect(indexes.map((r) => r.indexname)).toEqual(['task_events_task_idx', 'tasks_due_idx']);
  });

  test('Update with added files applies only those; an Update with nothing new changes nothing', async () => {
    const first = synth(folder(3));
    await localHandlers(url, first.outdir).onEvent(cfnEvent('Create', first.properties));
    const appliedAt = await query(url, 'SELECT version, applied_at FROM schema_migrations ORDER BY version');

    const second = synth(folder(exampleFiles.length));
    const response = await localHandlers(url, second.outdir).onEvent(cfnEvent('Update', second.properties, { oldProperties: first.properties }));
    expect(response.Data).toMatchObject({ AppliedThisDeployment: exampleFiles.slice(3).map((f) => f.slice(0, 4)).join(','), AppliedCount: String(exampleFiles.length) });
    expect(response.PhysicalResourceId).toBe((cfnEvent('Update', second.properties) as { PhysicalResourceId: string }).PhysicalResourceId);
    const after = await query(url, 'SELECT version, applied_at FROM schema_migrations ORDER BY version');
    expect(after.slice(0, 3)).toEqual(appliedAt);

    const again = await localHandlers(url, second.outdir).onEvent(cfnEvent('Update', second.properties));
    expect(again.Data).toMatchObject({ AppliedThisDeployment: '', AppliedCount: String(exampleFiles.length) });
    expect(await query(url, 'SELECT version, applied_at FROM schema_migrations ORDER BY version')).toEqual(after);
  });

  test('a failing statement leaves earlier files recorded, the failing file unrecorded, and names file, statement, line and SQLSTATE', async () => {
    const stack = synth(
      folder(2, {
        '0003_good.sql': 'CREATE TABLE IF NOT EXISTS labels (id UUID PRIMARY KEY);\n',
        '0004_broken.sql': 'ALTER TABLE labels ADD COLUMN IF NOT EXISTS name TEXT;\n\n-- the next one refers to a table that does not exist\nINSERT INTO no_such_table VALUES (1);\n',
        '0005_later.sql': 'CREATE TABLE IF NOT EXISTS later (id UUID PRIMARY KEY);\n',
      }),
    );
    await expect(localHandlers(url, stack.outdir).onEvent(cfnEvent('Create', stack.properties))).rejects.toThrow(
      '0004_broken.sql:4: statement 2 failed (SQLSTATE 42P01): relation "no_such_table" does not exist',
    );
    expect(await recorded(url)).toEqual([...exampleFiles.slice(0, 2).map((f) => f.replace('.sql', '')), '0003_good']);
    expect(await query(url, "SELECT to_regclass('later') AS t")).toEqual([{ t: null }]);
  });

  test('a DML-only file commits its data and its record together, or neither', async () => {
    const stack = synth(
      folder(1, {
        '0002_seed.sql': "INSERT INTO users (email) VALUES ('a@example.com');\nINSERT INTO users (email) VALUES ('a@example.com');\n",
      }),
    );
    // The second INSERT breaks the unique email: the file's last transaction (its last statement
    // and the record) rolls back, the first INSERT (its own transaction) stays.
    await expect(localHandlers(url, stack.outdir).onEvent(cfnEvent('Create', stack.properties))).rejects.toThrow(/0002_seed\.sql:2: statement 2 failed \(SQLSTATE 23505\)/);
    expect(await recorded(url)).toEqual(['0001_initial_schema']);
  });

  test('Delete leaves tables, rows and schema_migrations in place and keeps the physical id', async () => {
    const stack = synth(folder(exampleFiles.length));
    const handlers = localHandlers(url, stack.outdir);
    const created = await handlers.onEvent(cfnEvent('Create', stack.properties));
    const before = await query(url, 'SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM schema_migrations) AS migrations');
    const event = cfnEvent('Delete', stack.properties, { physicalResourceId: created.PhysicalResourceId });
    expect(await handlers.onEvent(event)).toEqual({ PhysicalResourceId: created.PhysicalResourceId });
    expect(await handlers.isComplete(isCompleteEvent(event, {}))).toEqual({ IsComplete: true });
    expect(await query(url, 'SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM schema_migrations) AS migrations')).toEqual(before);
  });

  test('the response stays under 4,096 bytes with 1,500 migrations', async () => {
    const extra: Record<string, string> = {};
    for (let i = 1; i <= 1500; i++) extra[`${String(i).padStart(5, '0')}_step_${i}.sql`] = `INSERT INTO t VALUES (${i});\n`;
    extra['00000_create_t.sql'] = 'CREATE TABLE IF NOT EXISTS t (v INT PRIMARY KEY);\n';
    const stack = synth(folder(0, extra));
    const response = await localHandlers(url, stack.outdir).onEvent(cfnEvent('Create', stack.properties));
    expect(response.Data).toMatchObject({ AppliedCount: '1501', LatestVersion: '01500', AppliedThisDeployment: '00000..01500 (1501 files)' });
    // What the Provider framework sends to CloudFormation: the event plus the response.
    const cfnResponse = { Status: 'SUCCESS', Reason: 'OK', StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/DsqlMigrationsExample/1b2c3d4e', RequestId: '6e1f7a4b-0000-4000-8000-000000000000', LogicalResourceId: 'DbMigrations7A4E6F2B', ...response };
    expect(Buffer.byteLength(JSON.stringify(cfnResponse))).toBeLessThan(4096);
  });
});

describe('every construct option reaches the handler', () => {
  let url: string;
  beforeEach(async () => {
    url = await freshDatabase('options');
  });
  const files = {
    '0001_items.sql': 'CREATE TABLE items (id INT PRIMARY KEY, label TEXT);\n',
    '0002_seed.sql': "INSERT INTO items VALUES (1, 'one');\n",
    '0004_more.sql': "INSERT INTO items VALUES (4, 'four');\n",
  };
  const deploy = async (set: Record<string, string>, options?: Parameters<typeof synthExample>[2], previous?: SynthesizedStack) => {
    const stack = synth(folder(0, set), options);
    const event = previous ? cfnEvent('Update', stack.properties, { oldProperties: previous.properties }) : cfnEvent('Create', stack.properties);
    return { stack, response: await localHandlers(url, stack.outdir).onEvent(event) };
  };

  test('allowOutOfOrder applies a file older than the newest applied one, which fails the deploy without it', async () => {
    const { stack } = await deploy(files);
    const late = { ...files, '0003_late.sql': "INSERT INTO items VALUES (3, 'three');\n" };
    await expect(deploy(late, {}, stack)).rejects.toThrow(/0003_late\.sql/);
    const { response } = await deploy(late, { allowOutOfOrder: true }, stack);
    expect(response.Data).toMatchObject({ AppliedThisDeployment: '0003', AppliedCount: '4' });
    expect(await query(url, 'SELECT id FROM items ORDER BY id')).toEqual([{ id: 1 }, { id: 3 }, { id: 4 }]);
  });

  test('allowChangedMigrations accepts a file changed after it was applied, which fails the deploy without it', async () => {
    const { stack } = await deploy(files);
    const changed = { ...files, '0002_seed.sql': "INSERT INTO items VALUES (1, 'uno');\n", '0005_next.sql': "INSERT INTO items VALUES (5, 'five');\n" };
    await expect(deploy(changed, {}, stack)).rejects.toThrow(/0002_seed\.sql was changed after it was applied/);
    const { response } = await deploy(changed, { allowChangedMigrations: true }, stack);
    expect(response.Data).toMatchObject({ AppliedThisDeployment: '0005', AppliedCount: '4' });
    // Accepted, not run again.
    expect(await query(url, 'SELECT label FROM items WHERE id = 1')).toEqual([{ label: 'one' }]);
  });

  test('baselineVersion records the files up to it without running them on a database that holds the schema', async () => {
    const existing = await freshDatabase('options_existing');
    await query(existing, 'CREATE TABLE items (id INT PRIMARY KEY, label TEXT)');
    const withoutBaseline = synth(folder(0, files));
    await expect(localHandlers(existing, withoutBaseline.outdir).onEvent(cfnEvent('Create', withoutBaseline.properties))).rejects.toThrow(
      /0001_items\.sql:1: statement 1 failed \(SQLSTATE 42P07\)/,
    );

    await query(url, 'CREATE TABLE items (id INT PRIMARY KEY, label TEXT)');
    const { response } = await deploy(files, { baselineVersion: '0002' });
    expect(response.Data).toMatchObject({ AppliedThisDeployment: '0004', AppliedCount: '3', LatestVersion: '0004' });
    // 0002's row was never inserted: only 0004 ran.
    expect(await query(url, 'SELECT id FROM items ORDER BY id')).toEqual([{ id: 4 }]);
    expect(await recorded(url)).toEqual(['0001_items', '0002_seed', '0004_more']);
  });
});

describe('long deploys', () => {
  test('an invocation stops at its time budget and isComplete invocations apply the rest, reporting every version at the end', async () => {
    const url = await freshDatabase('budget');
    const stack = synth(folder(exampleFiles.length));
    const handlers = localHandlers(url, stack.outdir, undefined, { invocationBudgetMs: 0 }); // one transaction per invocation
    const event = cfnEvent('Create', stack.properties);
    const created = await handlers.onEvent(event);
    expect(created.Data).toMatchObject({ Pending: 'files', AppliedCount: '0' });
    let invocations = 1;
    let done = await handlers.isComplete(isCompleteEvent(event, created));
    while (!done.IsComplete && invocations < 100) {
      invocations++;
      done = await handlers.isComplete(isCompleteEvent(event, created));
    }
    const statements = exampleFiles.reduce((n, f) => n + fs.readFileSync(path.join(EXAMPLE_MIGRATIONS, f), 'utf8').split(';').length - 1, 0);
    expect(invocations).toBeGreaterThan(exampleFiles.length);
    expect(invocations).toBeLessThanOrEqual(statements + 1);
    expect(done).toEqual({
      IsComplete: true,
      Data: {
        LatestVersion: exampleFiles[exampleFiles.length - 1].slice(0, 4),
        AppliedCount: String(exampleFiles.length),
        AppliedThisDeployment: exampleFiles.map((f) => f.slice(0, 4)).join(','),
        Pending: '',
      },
    });
    expect(await recorded(url)).toEqual(exampleFiles.map((f) => f.replace(/\.sql$/, '')));
  });
});

describe('summarizeVersions', () => {
  test('lists short sets and shortens long ones', () => {
    expect(summarizeVersions(['0001', '0002'])).toBe('0001,0002');
    expect(summarizeVersions([])).toBe('');
    const many = Array.from({ length: 400 }, (_, i) => String(i + 1).padStart(4, '0'));
    expect(summarizeVersions(many)).toBe('0001..0400 (400 files)');
  });
});

describe('parameters through the handler on PostgreSQL 16', () => {
  let url: string;
  beforeEach(async () => {
    url = await freshDatabase('handler_params');
  });

  test('parameters reach the SQL at deploy time, are never logged, and a new value does not make a file changed', async () => {
    const arn = 'arn:aws:iam::123456789012:role/app-secret-name';
    const dir = folder(0, {
      '0001_settings.sql': 'CREATE TABLE IF NOT EXISTS settings (k TEXT PRIMARY KEY, v TEXT);\n',
      '0002_role.sql': "-- ${{ notAParameter }} in a comment stays as written\nINSERT INTO settings VALUES ('role', '${{ appRoleArn }}');\n",
    });
    const first = synth(dir, { parameters: { appRoleArn: arn } });
    expect(first.properties.Parameters).toEqual({ appRoleArn: arn });
    const logs: unknown[] = [];
    await localHandlers(url, first.outdir, (e) => logs.push(e)).onEvent(cfnEvent('Create', first.properties));
    expect(await query(url, 'SELECT k, v FROM settings')).toEqual([{ k: 'role', v: arn }]);
    expect(JSON.stringify(logs)).not.toContain('app-secret-name');

    // A new value: the set hash is the same, the applied file is not changed, nothing runs again.
    const second = synth(dir, { parameters: { appRoleArn: 'arn:aws:iam::123456789012:role/other' } });
    expect(second.properties.MigrationSetHash).toBe(first.properties.MigrationSetHash);
    const again = await localHandlers(url, second.outdir).onEvent(cfnEvent('Update', second.properties, { oldProperties: first.properties }));
    expect(again.Data).toMatchObject({ AppliedThisDeployment: '', AppliedCount: '2' });
    expect(await query(url, 'SELECT v FROM settings')).toEqual([{ v: arn }]);
  });

  test('the error of a failing statement shows the placeholder, not the value', async () => {
    const dir = folder(0, { '0001_fail.sql': "SELECT '${{ secret }}'::int;\n" });
    const stack = synth(dir, { parameters: { secret: 'not-a-number-s3cr3t' } });
    const logs: unknown[] = [];
    const failure = localHandlers(url, stack.outdir, (e) => logs.push(e)).onEvent(cfnEvent('Create', stack.properties));
    await expect(failure).rejects.toThrow('invalid input syntax for type integer: "${{ secret }}"');
    expect(JSON.stringify(logs)).not.toContain('s3cr3t');
  });
});

describe('adoptHistory through the handler on PostgreSQL 16', () => {
  test('the first deploy records what Flyway applied, then applies the rest; a later deploy leaves adoption alone', async () => {
    const url = await freshDatabase('handler_adopt');
    await query(url, 'CREATE TABLE users (id INT PRIMARY KEY); CREATE TABLE orders (id INT PRIMARY KEY)');
    await query(url, `CREATE TABLE flyway_schema_history ("installed_rank" INT PRIMARY KEY, "version" VARCHAR(50), "description" VARCHAR(200) NOT NULL,
      "type" VARCHAR(20) NOT NULL, "script" VARCHAR(1000) NOT NULL, "checksum" INTEGER, "installed_by" VARCHAR(100) NOT NULL,
      "installed_on" TIMESTAMP NOT NULL DEFAULT now(), "execution_time" INTEGER NOT NULL, "success" BOOLEAN NOT NULL)`);
    await query(url, `INSERT INTO flyway_schema_history VALUES (1, '1', 'x', 'SQL', 'V1__create_users.sql', 1, 'admin', now(), 5, true),
      (2, '2', 'x', 'SQL', 'V2__create_orders.sql', 1, 'admin', now(), 5, true)`);
    const dir = folder(0, {
      // Not run: they would fail on the tables Flyway created.
      '0001_create_users.sql': 'CREATE TABLE users (id INT PRIMARY KEY);\n',
      '0002_create_orders.sql': 'CREATE TABLE orders (id INT PRIMARY KEY);\n',
      '0003_create_items.sql': 'CREATE TABLE IF NOT EXISTS items (id INT PRIMARY KEY);\n',
    });
    const stack = synth(dir, { adoptHistory: { from: MigrationTool.FLYWAY } });
    expect(stack.properties.AdoptFrom).toBe('flyway');
    const response = await localHandlers(url, stack.outdir).onEvent(cfnEvent('Create', stack.properties));
    expect(response.Data).toMatchObject({ AppliedThisDeployment: '0003', AppliedCount: '3' });
    expect(await query(url, 'SELECT version, kind FROM schema_migrations ORDER BY version')).toEqual([
      { version: '0001', kind: 'adopted' }, { version: '0002', kind: 'adopted' }, { version: '0003', kind: expect.not.stringMatching(/adopted/) },
    ]);

    // Records exist now: the option has done its work, even once the history table is gone.
    await query(url, 'DROP TABLE flyway_schema_history');
    const again = await localHandlers(url, stack.outdir).onEvent(cfnEvent('Update', stack.properties));
    expect(again.Data).toMatchObject({ AppliedThisDeployment: '', AppliedCount: '3' });
  });
});

describe('repeatable files through the handler on PostgreSQL 16', () => {
  test('reach the handler in the manifest, run after the versioned files, and run again only when their text or the values they use change', async () => {
    const url = await freshDatabase('handler_repeatable');
    const view = (who: string) => `CREATE OR REPLACE VIEW visible_settings AS SELECT k, v FROM settings WHERE k <> '${who}';\n`;
    const versioned = {
      '0001_settings.sql': 'CREATE TABLE IF NOT EXISTS settings (k TEXT PRIMARY KEY, v TEXT);\n',
      '0002_seed.sql': "INSERT INTO settings VALUES ('a', '1'), ('b', '2');\n",
    };
    const dir = folder(0, { ...versioned, 'R__visible_settings.sql': view('${{ hidden }}') });
    const first = synth(dir, { parameters: { hidden: 'a' } });
    const response = await localHandlers(url, first.outdir).onEvent(cfnEvent('Create', first.properties));
    // The attributes are about versions: the repeatable file is neither counted nor listed.
    expect(response.Data).toMatchObject({ LatestVersion: '0002', AppliedCount: '2', AppliedThisDeployment: '0001,0002' });
    expect(await query(url, 'SELECT k FROM visible_settings')).toEqual([{ k: 'b' }]);

    const applied = async (stack: SynthesizedStack, old: SynthesizedStack) => {
      const events: Array<Record<string, unknown>> = [];
      const again = await localHandlers(url, stack.outdir, (e) => events.push(e as Record<string, unknown>)).onEvent(cfnEvent('Update', stack.properties, { oldProperties: old.properties }));
      expect(again.Data).toMatchObject({ AppliedThisDeployment: '', AppliedCount: '2' });
      return events.filter((e) => e.event === 'migration-applied').map((e) => e.version);
    };
    // A new value of the parameter it uses: applied again.
    const second = synth(dir, { parameters: { hidden: 'b' } });
    expect(await applied(second, first)).toEqual(['R__visible_settings']);
    expect(await query(url, 'SELECT k FROM visible_settings')).toEqual([{ k: 'a' }]);
    // A parameter it does not use: nothing runs.
    const third = synth(dir, { parameters: { hidden: 'b', other: 'x' } });
    expect(await applied(third, second)).toEqual([]);
    // A new text: applied again.
    fs.writeFileSync(path.join(dir, 'R__visible_settings.sql'), view('${{ hidden }}').replace('SELECT k, v', 'SELECT k, v, 1 AS edited'));
    const fourth = synth(dir, { parameters: { hidden: 'b', other: 'x' } });
    expect(await applied(fourth, third)).toEqual(['R__visible_settings']);
    expect(await query(url, 'SELECT k, edited FROM visible_settings')).toEqual([{ k: 'a', edited: 1 }]);
  });
});
