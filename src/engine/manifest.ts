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

/**
 * Parses and validates a manifest. Given its bytes (what S3 returns), the JSON text lives only
 * while it is parsed, so it is not a copy of the SQL on the heap while the SQL is split.
 */
export function readManifest(json: string | Uint8Array): Migration[] {
  const manifest = parseManifest(json);
  if (manifest.format !== MANIFEST_FORMAT) {
    throw new Error(`Unsupported migrations manifest format: ${String(manifest.format)} (expected ${MANIFEST_FORMAT})`);
  }
  const migrations = parseMigrations(manifest.files, 'manifest');
  const hash = migrationSetHash(migrations);
  if (hash !== manifest.setHash) throw new Error(`Migrations manifest is corrupt: set hash ${hash} does not match ${manifest.setHash}`);
  return migrations;
}

function parseManifest(json: string | Uint8Array): MigrationManifest {
  return JSON.parse(typeof json === 'string' ? json : new TextDecoder().decode(json)) as MigrationManifest;
}

/** What the handler's memory must hold for a set: see `handlerMemoryNeeded`. */
export interface HandlerMemoryEstimate {
  /** MiB the handler needs, runtime included. */
  readonly megabytes: number;
  readonly sqlMegabytes: number;
  readonly statements: number;
  readonly largestFile: string;
}

/**
 * Calibrated with bench/memory.ts: readManifest on the bytes of a generated 50 MB file of 437,000
 * INSERTs needs a 159 MB heap: the SQL and 240 bytes per statement (a statement and its
 * transaction). A second copy of the SQL comes and goes: the JSON text while it is parsed (what a
 * file of a few large statements is bound by), or a CRLF file's normalised text for its checksum.
 * The S3 response body is a third, outside the heap; the Node.js runtime, node-postgres and the S3
 * client come on top.
 */
const RUNTIME_MIB = 64;
const COPIES_OF_SQL = 3;
const BYTES_PER_STATEMENT = 240;

/** About how much memory the handler needs to read, parse and apply a set. */
export function handlerMemoryNeeded(migrations: ReadonlyArray<Migration>): HandlerMemoryEstimate {
  let bytes = 0;
  let statements = 0;
  let largest = { fileName: '', length: -1 };
  for (const m of migrations) {
    // V8 keeps text with any character above U+00FF in two bytes per character.
    bytes += m.sql.length * (/[^\u0000-\u00ff]/.test(m.sql) ? 2 : 1);
    statements += m.statements.length;
    if (m.sql.length > largest.length) largest = { fileName: m.fileName, length: m.sql.length };
  }
  const heap = bytes * COPIES_OF_SQL + statements * BYTES_PER_STATEMENT;
  return {
    megabytes: Math.ceil(RUNTIME_MIB + heap / 2 ** 20),
    sqlMegabytes: bytes / 2 ** 20,
    statements,
    largestFile: largest.fileName,
  };
}
