import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { queryRows as query } from '../../support/database';

const ROOT = path.resolve(__dirname, '..', '..', '..');
export const CLI_BUNDLE = path.join(ROOT, 'assets', 'cli', 'index.js');
export const API_BUNDLE = path.join(ROOT, 'assets', 'api', 'index.js');
export const EXAMPLE_MIGRATIONS = path.join(ROOT, 'migrations');

/** The tests run the bundles a user installs; they must be built first, not skipped. */
export function requireBundles(): void {
  for (const bundle of [CLI_BUNDLE, API_BUNDLE]) {
    if (!fs.existsSync(bundle)) throw new Error(`${path.relative(ROOT, bundle)} is missing: run \`npx projen bundle:cli\` before these tests`);
  }
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Variables the CLI reads; cleared so that the developer's shell cannot change a test's target. */
const CLI_ENV = [
  'DATABASE_URL', 'DSQL_MIGRATIONS_URL', 'DSQL_MIGRATIONS_ENDPOINT', 'DSQL_MIGRATIONS_DIR', 'DSQL_MIGRATIONS_USER', 'DSQL_MIGRATIONS_CONNECT_TIMEOUT', 'DSQL_MIGRATIONS_DIALECT',
  'PGHOST', 'PGPORT', 'PGUSER', 'PGPASSWORD', 'PGDATABASE', 'PGCONNECT_TIMEOUT', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'NO_COLOR',
];

/** Runs `node assets/cli/index.js ...args` as a child process, as a user's shell would. */
export function cli(args: ReadonlyArray<string>, options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of CLI_ENV) delete env[name];
  Object.assign(env, options.env);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BUNDLE, ...args], { cwd: options.cwd ?? ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Writes `files` (name → SQL) into a new folder under `parent`. */
export function writeMigrations(dir: string, files: Record<string, string>): string {
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, sql] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), sql);
  return dir;
}

/** Tables in the public schema: how the tests see whether a command wrote anything. */
export async function publicTables(url: string): Promise<string[]> {
  return query(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1").then((rows) => rows.map((r) => String(r.tablename)));
}

export { query };

/** No ANSI escape sequences: output that is not a terminal is plain. */
export const ANSI = /\u001b\[/;
