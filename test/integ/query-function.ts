// The integration test's probe: connects to the migrated cluster as `admin` (the same connector the
// migration handler uses) and returns what the migrations left in the database. Bundled by
// NodejsFunction in integ.database.ts; invoked by an `invokeFunction` assertion.
import { dsqlConnector } from '../../connectors';

export interface QueryResult {
  /** Highest version recorded in schema_migrations. */
  readonly latestVersion: string | null;
  /** The project inserted by migrations/0007_seed_demo_project.sql. */
  readonly seededProject: string | null;
  /** How many tasks of that project have priority 2 (0003 adds the column, 0007 sets it). */
  readonly seededTasks: number;
}

export async function handler(): Promise<QueryResult> {
  const connect = dsqlConnector({ endpoint: process.env.DSQL_ENDPOINT!, region: process.env.AWS_REGION! });
  const client = await connect();
  try {
    const { rows } = await client.query(
      `SELECT (SELECT max(version) FROM schema_migrations) AS latest_version,
              (SELECT name FROM projects WHERE id = '00000000-0000-4000-8000-000000000002') AS seeded_project,
              (SELECT count(*) FROM tasks WHERE project_id = '00000000-0000-4000-8000-000000000002' AND priority = 2) AS seeded_tasks`,
    );
    const row = rows[0] as { latest_version: string | null; seeded_project: string | null; seeded_tasks: string };
    return { latestVersion: row.latest_version, seededProject: row.seeded_project, seededTasks: Number(row.seeded_tasks) };
  } finally {
    await client.end();
  }
}
