/**
 * One check of a migration set for `cdk synth`, the CLI's `lint` and `apply`, and the API: the
 * loader's rules (file names, duplicate versions, empty files) and the lint rules, merged into one
 * list of diagnostics in one format.
 */
import * as path from 'path';
import { LOADER_RULES, Migration, MigrationFolder, MigrationValidationError, parseMigrations, unknownParameterMessage, unknownParameters } from './engine';
import { lintMigrations, LintOptions, RULES_BY_ID } from './lint';

export interface MigrationDiagnostic {
  /** The file's name in its folder. */
  readonly fileName: string;
  /** 1-based; a problem with a whole file points at 1:1. */
  readonly line: number;
  readonly column: number;
  readonly ruleId: string;
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly fixable: boolean;
  readonly docUrl?: string;
}

export interface MigrationCheck {
  /** The parsed set, or undefined when a file cannot be loaded at all. */
  readonly migrations?: Migration[];
  /** Ordered by file, line and column. */
  readonly diagnostics: MigrationDiagnostic[];
}

/**
 * Checks a folder's sources (and the entries refused while reading it). `lint: false` runs only
 * the loader's rules (what the runner needs). `parameters`, the names that have a value, adds the
 * `unknown-parameter` rule (a `${{ name }}` placeholder with no value); left out, placeholders are
 * not checked (the lint alone does not know the values). Throws on unknown rule ids in
 * `lint.rules`, as `lintMigrations` does.
 */
export function checkMigrations(folder: MigrationFolder, lint: LintOptions | false = {}, parameters?: ReadonlyArray<string>): MigrationCheck {
  const { sources } = folder;
  // A file with a NUL character is reported once, by the loader (nul-byte), not again by every rule.
  const lintable = sources.filter((s) => !s.sql.includes('\0'));
  const lintDiagnostics: MigrationDiagnostic[] = lint === false ? [] : lintMigrations(lintable, lint);
  let migrations: Migration[] | undefined;
  let problems: MigrationValidationError['problems'] = [];
  try {
    migrations = parseMigrations(sources, '.', folder.problems);
  } catch (e) {
    if (!(e instanceof MigrationValidationError)) throw e;
    problems = e.problems;
  }
  const reported = new Set(lintDiagnostics.map((d) => `${d.fileName}\0${d.ruleId}`));
  const setDiagnostics: MigrationDiagnostic[] = problems
    // A loader rule the lint checks too (same id) is reported once, by the lint.
    .filter((p) => !(RULES_BY_ID.has(p.rule) && reported.has(`${p.fileName}\0${p.rule}`)))
    .map((p) => ({ fileName: p.fileName, line: p.line ?? 1, column: p.column ?? 1, ruleId: p.rule, severity: 'error', message: p.message, fixable: false }));
  const parameterDiagnostics: MigrationDiagnostic[] = parameters === undefined ? [] : sources.flatMap((s) =>
    unknownParameters(s.sql, parameters).map((u) => ({
      fileName: s.fileName,
      line: u.line,
      column: u.column,
      ruleId: LOADER_RULES.unknownParameter,
      severity: 'error' as const,
      message: unknownParameterMessage(u.name),
      fixable: false,
    })));
  const diagnostics = [...setDiagnostics, ...parameterDiagnostics, ...lintDiagnostics].sort(
    (a, b) => (a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : a.line - b.line || a.column - b.column),
  );
  return { migrations, diagnostics };
}

/**
 * The migrations of a folder for a run (`apply`, `applyMigrations`): every error, of the loader or
 * the lint, fails with one MigrationValidationError that lists them all. `parameters` as for
 * `checkMigrations`.
 */
export function checkedMigrations(
  directory: string, folder: MigrationFolder, lint: LintOptions | false, parameters?: ReadonlyArray<string>,
): Migration[] {
  const { migrations, diagnostics } = checkMigrations(folder, lint, parameters);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 || !migrations) {
    const problems = errors.map((d) => ({ fileName: d.fileName, line: d.line, column: d.column, rule: d.ruleId, message: d.message }));
    throw new MigrationValidationError(directory, problems);
  }
  return migrations;
}

/** `migrations/0004_x.sql:12:8 error rule-id message`: one line per diagnostic, at synth and in the CLI. */
export function formatDiagnostic(folder: string, d: MigrationDiagnostic, paintSeverity: (severity: string) => string = (s) => s): string {
  return `${path.join(folder, d.fileName)}:${d.line}:${d.column} ${paintSeverity(d.severity)} ${d.ruleId} ${d.message}`;
}

/**
 * The folder as the user wrote it, made relative to the working directory when it lies inside it
 * (`migrations`, not `/home/me/app/migrations`), so messages point where an editor opens.
 */
export function displayFolder(given: string, cwd: string = process.cwd()): string {
  const relative = path.relative(cwd, path.resolve(cwd, given));
  if (relative === '') return '.';
  return relative.startsWith('..') || path.isAbsolute(relative) ? given : relative;
}
