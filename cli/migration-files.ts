import * as fs from 'fs';
import * as path from 'path';
import { UsageError } from './errors';
import { formatProblem as formatEngineProblem, loadMigrations, Migration, MigrationFolder, MigrationProblem, readMigrationFolder } from '../src/engine';

export const DIR_ENV = 'DSQL_MIGRATIONS_DIR';
export const DEFAULT_DIR = './migrations';

/** A missing folder is a usage error (wrong --dir or working directory), not a migration failure. */
export function requireDirectory(dir: string): void {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new UsageError(`migrations folder not found: ${dir} (pass --dir or set ${DIR_ENV})`);
  }
}

/**
 * The files of a folder that the runner treats as migrations, and those refused (not a file,
 * invalid UTF-8): the same rule as `loadMigrations`.
 */
export function readMigrationSources(dir: string): MigrationFolder {
  requireDirectory(dir);
  return readMigrationFolder(dir);
}

/**
 * Loads a folder for `status`, `plan` and `apply`. An invalid set throws MigrationValidationError,
 * which `runAction` reports like `lint` does (exit 1).
 */
export function loadMigrationSet(dir: string): Migration[] {
  requireDirectory(dir);
  return loadMigrations(dir);
}

/** `migrations/0001_x.sql:3:7 error rule-id message`; problems about a whole file point at 1:1. */
export function formatProblem(dir: string, p: MigrationProblem): string {
  return formatEngineProblem(p, path.join(dir, p.fileName));
}
