/** `NNNN_description.sql`: a zero-padded version of at least four digits and a snake_case description. */
const MIGRATION_FILE = /^(\d{4,})_([a-z0-9]+(?:_[a-z0-9]+)*)\.sql$/;

export interface MigrationFileName {
  /** The version as written in the file name, e.g. `0001`. */
  readonly version: string;
  /** The snake_case description, e.g. `initial_schema`. */
  readonly name: string;
}

/** Parses a migration file name, or returns undefined when it does not follow `NNNN_description.sql`. */
export function parseMigrationFileName(fileName: string): MigrationFileName | undefined {
  const m = MIGRATION_FILE.exec(fileName);
  return m ? { version: m[1], name: m[2] } : undefined;
}

/**
 * Whether a file in a migrations folder is meant to be a migration: anything ending in `.sql`, or
 * starting with a digit. Other files (README.md, .gitkeep) are left alone.
 */
export function looksLikeMigration(fileName: string): boolean {
  return /\.sql$/i.test(fileName) || /^\d/.test(fileName);
}

/** Orders versions by number, so `0010` follows `0009` and `10000` follows `9999`. */
export function compareVersions(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Turns free text into a snake_case description: `Add users table` → `add_users_table`. */
export function toSnakeCase(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}
