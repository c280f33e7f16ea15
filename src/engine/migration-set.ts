import { createHash } from 'crypto';
import * as fs from 'fs';
import { lineIndex } from './lines';
import { readMigrationFolder } from './migration-folder';
import { compareVersions, looksLikeMigration, parseMigrationFileName, parseRepeatableFileName, versionKey } from './naming';
import { planTransactions, TransactionShapeError, TransactionUnit } from './plan';
import { LOADER_RULES } from './problem-rules';
import { splitStatements, SplitResult, SqlStatement, SqlSyntaxError } from './splitter';

/** One migration file, read and split. */
export interface Migration {
  /** The version as written (`0001`); for a repeatable file, its record key (`R__active_users`). */
  readonly version: string;
  readonly name: string;
  readonly fileName: string;
  /** The file as written (without a byte-order mark): what the statements are cut from and run as. */
  readonly sql: string;
  /** sha256 (hex) of the file with BOM removed and line endings normalised to LF. */
  readonly checksum: string;
  readonly statements: SqlStatement[];
  /** The statements grouped into the transactions they run in. */
  readonly units: TransactionUnit[];
  /** An `R__description.sql` file: applied after the versioned files, again whenever it changes (see repeatable.ts). */
  readonly repeatable?: boolean;
}

/** One problem found in a migrations folder, with the file and, where it applies, the line. */
export interface MigrationProblem {
  readonly fileName: string;
  readonly line?: number;
  readonly column?: number;
  readonly rule: string;
  readonly message: string;
}

/** A migrations folder that cannot be applied; `problems` says what is wrong where. */
export class MigrationValidationError extends Error {
  constructor(public readonly directory: string, public readonly problems: MigrationProblem[]) {
    super(
      `Invalid migrations in ${directory}:\n` +
        problems.map((p) => `  ${formatProblem(p)}`).join('\n'),
    );
    this.name = 'MigrationValidationError';
  }
}

/** `0004_x.sql:12:8 error rule message`, the lint's form; a problem with a whole file points at 1:1. */
export function formatProblem(p: MigrationProblem, fileName = p.fileName): string {
  return `${fileName}:${p.line ?? 1}:${p.column ?? 1} error ${p.rule} ${p.message}`;
}

/** Removes a byte-order mark and normalises CRLF, so a checkout on Windows has the same checksum. */
export function normalizeSql(sql: string): string {
  return stripBom(sql).replace(/\r\n?/g, '\n');
}

function stripBom(sql: string): string {
  return sql.charCodeAt(0) === 0xfeff ? sql.slice(1) : sql;
}

export function checksumOf(sql: string): string {
  return createHash('sha256').update(normalizeSql(sql), 'utf8').digest('hex');
}

/** One hash for the ordered set: any edit, addition, removal or rename changes it. */
export function migrationSetHash(migrations: ReadonlyArray<Pick<Migration, 'version' | 'name' | 'checksum'>>): string {
  const h = createHash('sha256');
  for (const m of migrations) h.update(`${m.version}\0${m.name}\0${m.checksum}\n`);
  return h.digest('hex');
}

/** A file's name and SQL, before validation (what the Lambda receives in the manifest). */
export interface MigrationSource {
  readonly fileName: string;
  readonly sql: string;
}

/**
 * Validates and parses migration sources: names, duplicate versions, empty files and SQL that
 * cannot be split. Collects every problem (with those found while reading the files) before
 * failing, so one synth shows them all.
 */
export function parseMigrations(sources: ReadonlyArray<MigrationSource>, directory = '.', readProblems: ReadonlyArray<MigrationProblem> = []): Migration[] {
  const problems: MigrationProblem[] = [...readProblems];
  const migrations: Migration[] = [];
  const byNumber = new Map<string, string>();
  for (const source of sources) {
    const { fileName } = source;
    if (!looksLikeMigration(fileName)) continue;
    const repeatable = parseRepeatableFileName(fileName);
    const parsed = repeatable ? { version: repeatable.key, name: repeatable.name, repeatable: true } : parseMigrationFileName(fileName);
    if (!parsed) {
      problems.push({
        fileName,
        rule: LOADER_RULES.fileName,
        message: 'file name must be NNNN_description.sql: a zero-padded version of at least 4 digits, a snake_case description, and .sql ' +
          '(or R__description.sql for a repeatable file)',
      });
      continue;
    }
    if (!repeatable) {
      const key = versionKey(parsed.version);
      const other = byNumber.get(key);
      if (other) {
        problems.push({ fileName, rule: LOADER_RULES.duplicateVersion, message: `version ${parsed.version} is also used by ${other}` });
        continue;
      }
      byNumber.set(key, fileName);
    }
    // Run as written: a literal spanning lines keeps its CRLF, as psql sends it. Only the checksum
    // normalises line endings.
    const sql = stripBom(source.sql);
    const nul = sql.indexOf('\0');
    if (nul >= 0) {
      // PostgreSQL's protocol cannot carry it: the server would reject the message, not the statement.
      problems.push({ fileName, ...lineIndex(sql)(nul), rule: LOADER_RULES.nulByte, message: 'the file contains a NUL character, which PostgreSQL cannot receive' });
      continue;
    }
    let split: SplitResult;
    try {
      split = splitStatements(sql);
    } catch (e) {
      if (!(e instanceof SqlSyntaxError)) throw e;
      problems.push({ fileName, line: e.line, column: e.column, rule: LOADER_RULES.syntax, message: e.reason });
      continue;
    }
    // A file of comments only is a deliberate no-op (Prisma writes "-- This is an empty migration.");
    // a blank file is more likely a mistake.
    const statements: SqlStatement[] = split.statements;
    if (statements.length === 0 && split.comments.length === 0) {
      problems.push({ fileName, rule: LOADER_RULES.emptyFile, message: 'file contains no SQL statements (a comment saying why makes it a deliberate no-op)' });
      continue;
    }
    let units: TransactionUnit[];
    try {
      units = planTransactions(statements);
    } catch (e) {
      if (!(e instanceof TransactionShapeError)) throw e;
      problems.push({ fileName, line: e.line, column: e.column, rule: LOADER_RULES.transactionBlock, message: e.message });
      continue;
    }
    migrations.push({ ...parsed, fileName, sql, checksum: checksumOf(sql), statements, units });
  }
  // In file order, as a folder lists them (the sort is stable: a file's problems keep their order).
  problems.sort((a, b) => (a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0));
  if (problems.length > 0) throw new MigrationValidationError(directory, problems);
  return inRunOrder(migrations);
}

/** Versioned files by version, then repeatable files by name: the order a run applies them in. */
function inRunOrder(migrations: Migration[]): Migration[] {
  const repeatables = migrations.filter((m) => m.repeatable).sort((a, b) => (a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0));
  return [...versionedOf(migrations).sort((a, b) => compareVersions(a.version, b.version)), ...repeatables];
}

/** The versioned files of a set: what versions, baselines and ordering are about. */
export function versionedOf<T extends Pick<Migration, 'repeatable'>>(migrations: ReadonlyArray<T>): T[] {
  return migrations.filter((m) => !m.repeatable);
}

/** Reads a migrations folder (see `readMigrationFolder` for which files are migrations) and validates it. */
export function loadMigrations(directory: string): Migration[] {
  if (!fs.existsSync(directory) || !fs.statSync(directory).isDirectory()) {
    throw new Error(`Migrations folder not found: ${directory}`);
  }
  const { sources, problems } = readMigrationFolder(directory);
  return parseMigrations(sources, directory, problems);
}
