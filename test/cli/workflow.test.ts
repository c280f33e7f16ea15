/**
 * The everyday workflow of docs/cli.md ("Local development and CI"), step by step as a team with
 * an ORM runs it: drizzle-kit's output becomes the next migration, is fixed for DSQL, linted, and
 * applied to a local PostgreSQL.
 */
import * as fs from 'fs';
import * as path from 'path';
import { freshDatabase } from '../support/database';
import { tempDir } from '../support/harness';
import { cli, EXAMPLE_MIGRATIONS, query, requireBundles } from './support/cli';

beforeAll(requireBundles);

/** What `drizzle-kit generate` writes for a new table with a foreign key and an index. */
const DRIZZLE_OUTPUT = `CREATE TABLE "orders" (
\t"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
\t"user_id" uuid NOT NULL,
\t"total_cents" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "orders_user_idx" ON "orders" USING btree ("user_id");
`;

test('drizzle-kit output → new --from → lint fails → fix --write --include-warnings → lint passes → apply --strict on PostgreSQL', async () => {
  const project = tempDir('cli-workflow');
  fs.cpSync(EXAMPLE_MIGRATIONS, path.join(project, 'migrations'), { recursive: true });
  fs.mkdirSync(path.join(project, 'drizzle'));
  fs.writeFileSync(path.join(project, 'drizzle', '0003_brave_wolf.sql'), DRIZZLE_OUTPUT);
  const run = (...args: string[]) => cli(args, { cwd: project });

  const created = await run('new', 'add orders', '--from', 'drizzle/0003_brave_wolf.sql');
  expect(created.code).toBe(0);
  expect(created.stdout).toBe(`Created ${path.join('migrations', '0008_add_orders.sql')}\n`);

  const lint = await run('lint');
  expect(lint.code).toBe(1);
  expect(lint.stdout.match(/ error [a-z-]+/g)).toEqual([' error constraint-not-valid', ' error index-requires-async', ' error index-using-method']);

  expect((await run('fix', 'migrations/0008_add_orders.sql')).code).toBe(1);
  const fixed = await run('fix', 'migrations/0008_add_orders.sql', '--write', '--include-warnings');
  expect(fixed.code).toBe(0);
  expect(fixed.stderr).toContain('changes behaviour');
  expect((await run('lint')).stdout).toBe('8 files checked: 0 errors, 0 warnings\n');

  const url = await freshDatabase('cli_workflow');
  const apply = await cli(['apply', '--strict'], { cwd: project, env: { DATABASE_URL: url } });
  expect(apply.code).toBe(0);
  expect(apply.stdout).toMatch(/^applied {2}0008 {2}add_orders +4 statements +\d+ ms$/m);
  expect(await query(url, "SELECT conname, convalidated FROM pg_constraint WHERE conrelid = 'orders'::regclass AND contype = 'f'")).toEqual([
    { conname: 'orders_user_id_users_id_fk', convalidated: true },
  ]);
  expect(await query(url, "SELECT indexname FROM pg_indexes WHERE tablename = 'orders' ORDER BY 1")).toEqual([{ indexname: 'orders_pkey' }, { indexname: 'orders_user_idx' }]);
});
