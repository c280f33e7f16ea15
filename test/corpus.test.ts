import * as fs from 'fs';
import * as path from 'path';
import { freshDatabase, queryRows as rows } from './support/database';
import { cfnEvent, localHandlers, synthExample, tempDir } from './support/harness';
import { corpusPath, describeWithShared } from './support/shared';


/** Copies files into a migrations folder under new names, and applies them through synth + the real handler. */
async function applyThroughHandler(files: Array<[source: string, target: string]>) {
  const dir = tempDir('corpus-migrations');
  for (const [source, target] of files) fs.copyFileSync(source, path.join(dir, target));
  const stack = synthExample(dir, path.join(tempDir('corpus-cdk-out'), 'cdk.out'));
  const url = await freshDatabase('corpus');
  const response = await localHandlers(url, stack.outdir).onEvent(cfnEvent('Create', stack.properties));
  return { url, response };
}

describeWithShared('real-world migration sets apply unchanged', () => {
  test("a production project's 0001_initial_schema.sql and 0002_create_indexes.sql", async () => {
    const dir = corpusPath('seed-origin');
    const { url, response } = await applyThroughHandler([
      [path.join(dir, '0001_initial_schema.sql'), '0001_initial_schema.sql'],
      [path.join(dir, '0002_create_indexes.sql'), '0002_create_indexes.sql'],
    ]);
    expect(response.Data).toMatchObject({ LatestVersion: '0002', AppliedCount: '2', AppliedThisDeployment: '0001,0002' });
    // The seed creates schema_migrations itself, with the very columns the runner uses.
    const tables = await rows(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
    expect(tables.map((t) => t.tablename)).toEqual(expect.arrayContaining(['accounts', 'schema_migrations', 'sessions', 'users', 'verification']));
    const indexes = await rows(url, "SELECT count(*)::int AS n FROM pg_indexes WHERE indexname LIKE '%\\_idx'");
    const expected = fs.readFileSync(path.join(dir, '0002_create_indexes.sql'), 'utf8').match(/^CREATE INDEX ASYNC/gm)!.length;
    expect(indexes[0].n).toBe(expected);
  });

  test("AWS's Flyway DSQL samples V1..V15 (renamed NNNN_name.sql)", async () => {
    const dir = corpusPath('aws-samples-aurora-dsql-samples', 'flyway-extension');
    const files = fs
      .readdirSync(dir)
      .map((f) => /^V(\d+)__(\w+)\.sql$/.exec(f))
      .filter((m): m is RegExpExecArray => m !== null && Number(m[1]) <= 15) // V16 only sleeps for a minute
      .map((m): [string, string] => [path.join(dir, m[0]), `${m[1].padStart(4, '0')}_${m[2].toLowerCase()}.sql`]);
    expect(files).toHaveLength(15);
    const { url, response } = await applyThroughHandler(files);
    expect(response.Data).toMatchObject({ LatestVersion: '0015', AppliedCount: '15' });
    // V13 drops sessions.revoked_at, V14 renames products.name, V15 indexes sessions.expires_at.
    const columns = await rows(url, "SELECT table_name || '.' || column_name AS c FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1");
    const names = columns.map((c) => c.c);
    expect(names).not.toContain('sessions.revoked_at');
    expect(names).not.toContain('products.name');
    expect(names).toEqual(expect.arrayContaining(['users.role', 'users.last_login_at', 'audit_log.user_id']));
    expect(await rows(url, "SELECT indexname FROM pg_indexes WHERE tablename = 'sessions' AND indexname LIKE 'idx_%' ORDER BY 1")).toHaveLength(3);
  });
});
