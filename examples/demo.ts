// The main job, run here without AWS: synthesize the example app, then drive the real migration
// handler through a Create and an Update against an embedded PostgreSQL 16, printing what
// CloudFormation would receive and what the database holds.
import * as fs from 'fs';
import * as path from 'path';
import { Client } from 'pg';
import { cfnEvent, isCompleteEvent, localHandlers, synthExample, tempDir } from '../test/support/harness';
import { createDatabase, startLocalPostgres } from '../test/support/local-postgres';

async function main() {
  const migrations = path.join(__dirname, '..', 'migrations');
  const work = tempDir('dsql-migrations-demo');
  const first = synthExample(migrations, path.join(work, 'cdk.out'));
  const resources = first.template.toJSON().Resources as Record<string, { Type: string }>;
  const counts = new Map<string, number>();
  for (const r of Object.values(resources)) counts.set(r.Type, (counts.get(r.Type) ?? 0) + 1);
  console.log('1. cdk synth of examples/app.ts');
  for (const [type, n] of [...counts].sort()) console.log(`   ${String(n).padStart(2)} x ${type}`);
  console.log(`   migration set: ${fs.readdirSync(migrations).length} files, hash ${first.properties.MigrationSetHash.slice(0, 16)}…`);

  const server = await startLocalPostgres();
  try {
    const url = await createDatabase(server.url, 'demo');
    const events: unknown[] = [];
    const create = cfnEvent('Create', first.properties);
    const handlers = localHandlers(url, first.outdir, (e) => events.push(e));
    const created = await handlers.onEvent(create);
    const done = await handlers.isComplete(isCompleteEvent(create, created));
    console.log('\n2. Create: CloudFormation receives');
    console.log(indent(JSON.stringify({ PhysicalResourceId: created.PhysicalResourceId, Data: { ...created.Data, ...('Data' in done ? done.Data : {}) } }, null, 2)));

    // A later commit adds a migration: only it is applied on the next deploy.
    const next = path.join(work, 'migrations');
    fs.cpSync(migrations, next, { recursive: true });
    fs.writeFileSync(path.join(next, '0008_add_task_assignee.sql'), 'ALTER TABLE tasks ADD COLUMN IF NOT EXISTS assignee_id UUID;\n');
    const second = synthExample(next, path.join(work, 'cdk.out.2'));
    const update = cfnEvent('Update', second.properties, { oldProperties: first.properties });
    const updated = await localHandlers(url, second.outdir).onEvent(update);
    console.log('\n3. Update with 0008_add_task_assignee.sql added: CloudFormation receives');
    console.log(indent(JSON.stringify({ PhysicalResourceId: updated.PhysicalResourceId, Data: updated.Data }, null, 2)));

    const client = new Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query("SELECT version, name, to_char(applied_at, 'HH24:MI:SS.MS') AS applied_at FROM schema_migrations ORDER BY version");
    const open = await client.query('SELECT title, project, priority FROM open_tasks');
    await client.end();
    console.log('\n4. schema_migrations in PostgreSQL 16');
    console.table(rows);
    console.log(`   open_tasks view answers (${open.rowCount} rows); handler logged ${events.length} structured events, e.g.`);
    console.log(`   ${JSON.stringify(events.find((e) => (e as { event: string }).event === 'migration-applied'))}`);
  } finally {
    await server.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function indent(text: string): string {
  return text.replace(/^/gm, '   ');
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
