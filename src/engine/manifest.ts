import { Migration, MigrationSource, migrationSetHash, parseMigrations } from './migration-set';

/**
 * The migrations asset: the file names and SQL the construct validated at synth time, in one JSON
 * object that the handler reads from S3 and validates again with the same engine.
 */
export interface MigrationManifest {
  readonly format: typeof MANIFEST_FORMAT;
  /** Hash of the ordered set (see `migrationSetHash`). */
  readonly setHash: string;
  readonly files: MigrationSource[];
}

export const MANIFEST_FORMAT = 'cdk-dsql-migrations/manifest@1';

export function buildManifest(migrations: ReadonlyArray<Migration>): MigrationManifest {
  return {
    format: MANIFEST_FORMAT,
    setHash: migrationSetHash(migrations),
    files: migrations.map((m) => ({ fileName: m.fileName, sql: m.sql })),
  };
}

export function readManifest(json: string): Migration[] {
  const manifest = JSON.parse(json) as MigrationManifest;
  if (manifest.format !== MANIFEST_FORMAT) {
    throw new Error(`Unsupported migrations manifest format: ${String(manifest.format)} (expected ${MANIFEST_FORMAT})`);
  }
  const migrations = parseMigrations(manifest.files, 'manifest');
  const hash = migrationSetHash(migrations);
  if (hash !== manifest.setHash) throw new Error(`Migrations manifest is corrupt: set hash ${hash} does not match ${manifest.setHash}`);
  return migrations;
}
