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
 * `R__description.sql`: a repeatable file (Flyway's convention), applied after the versioned files
 * and again whenever its checksum changes. Its record in `schema_migrations` is keyed by the file
 * name without `.sql`, which no version (digits only) can equal.
 */
const REPEATABLE_FILE = /^(R__([a-z0-9]+(?:_[a-z0-9]+)*))\.sql$/;

export interface RepeatableFileName {
  /** The record key, e.g. `R__active_users`. */
  readonly key: string;
  /** The snake_case description, e.g. `active_users`. */
  readonly name: string;
}

/** Parses a repeatable file name, or returns undefined when it does not follow `R__description.sql`. */
export function parseRepeatableFileName(fileName: string): RepeatableFileName | undefined {
  const m = REPEATABLE_FILE.exec(fileName);
  return m ? { key: m[1], name: m[2] } : undefined;
}

/** Whether a record key (the `version` column) names a repeatable file rather than a version. */
export function isRepeatableKey(key: string): boolean {
  return key.startsWith('R__');
}

/**
 * Whether a folder entry is meant to be a migration: any name ending in `.sql` (which must then be
 * `NNNN_description.sql` or `R__description.sql`). Everything else is left alone: README.md, .gitkeep, editor and backup
 * copies such as `0001_x.sql.bak`, `0001_x.sql~` or `.0001_x.sql.swp`.
 */
export function looksLikeMigration(fileName: string): boolean {
  return /\.sql$/i.test(fileName);
}

/** A migration version: digits only. Records written by other tools may hold anything else. */
export function isVersion(text: string): boolean {
  return /^\d+$/.test(text);
}

/**
 * The number a version stands for, as text without leading zeros: `0001` and `00001` are the same
 * version in the folder check, in the database and in messages. Non-versions are their own key.
 */
export function versionKey(version: string): string {
  return isVersion(version) ? BigInt(version).toString() : version;
}

/** Orders versions by number, so `0010` follows `0009` and `10000` follows `9999`. */
export function compareVersions(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The highest of these that is a version, or undefined when none is. */
export function latestVersion(versions: Iterable<string>): string | undefined {
  let latest: string | undefined;
  for (const v of versions) if (isVersion(v) && (latest === undefined || compareVersions(v, latest) > 0)) latest = v;
  return latest;
}

/** Turns free text into a snake_case description: `Add users table` → `add_users_table`. */
export function toSnakeCase(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}
