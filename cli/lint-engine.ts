/**
 * The CLI's one door to the lint engine (src/lint) and to the set-level checks of the migration
 * loader (names, duplicate versions, empty files), merged into one list of diagnostics.
 */
import * as path from 'path';
import { InvalidArgumentError } from 'commander';
import { UsageError } from './errors';
import { MigrationProblem, MigrationSource, MigrationValidationError, parseMigrations } from '../src/engine/migration-set';
import { fixSql, FixResult, lintMigrations, LintOptions, resolveRuleSettings, RuleSetting } from '../src/lint';

export interface Diagnostic {
  /** The file as the user would open it: the folder joined with the file name. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly ruleId: string;
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly fixable: boolean;
  readonly docUrl?: string;
}

/** `--rule id=error|warning|off`, repeatable: the same overrides `DsqlMigrations` takes at synth. */
export function parseRuleOption(value: string, previous: Record<string, RuleSetting> = {}): Record<string, RuleSetting> {
  const m = /^([a-z0-9-]+)=(error|warning|off)$/.exec(value);
  if (!m) throw new InvalidArgumentError('expected <rule-id>=error|warning|off');
  return { ...previous, [m[1]]: m[2] as RuleSetting };
}

export function lintOptions(rules: Record<string, RuleSetting> | undefined): LintOptions {
  const options = { rules: rules ?? {} };
  try {
    resolveRuleSettings(options);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return options;
}

/** The engine's loader rules that the SQL linter does not check itself (or names differently). */
const SET_RULES_COVERED_BY_LINT: Record<string, string> = { 'syntax': 'syntax-error', 'transaction-block': 'transaction-block' };

/**
 * Every diagnostic for a folder's migration files, ordered by file, line and column; `readProblems`
 * are the files refused while reading the folder (not a file, invalid UTF-8).
 */
export function lintSources(
  dir: string, sources: ReadonlyArray<MigrationSource>, options: LintOptions, readProblems: ReadonlyArray<MigrationProblem> = [],
): Diagnostic[] {
  const display = (fileName: string) => path.join(dir, fileName);
  // A file with a NUL character is reported once, by the loader (nul-byte), not again by every rule.
  const lintable = sources.filter((s) => !s.sql.includes('\0'));
  const sqlDiagnostics: Diagnostic[] = lintMigrations(lintable.map((s) => ({ fileName: display(s.fileName), sql: s.sql })), options).map((d) => ({
    file: d.fileName,
    line: d.line,
    column: d.column,
    ruleId: d.ruleId,
    severity: d.severity,
    message: d.message,
    fixable: d.fixable,
    docUrl: d.docUrl,
  }));
  const reported = new Set(sqlDiagnostics.map((d) => `${d.file}\0${d.ruleId}`));
  const setDiagnostics: Diagnostic[] = setProblems(sources, dir, readProblems)
    .filter((p) => !reported.has(`${display(p.fileName)}\0${SET_RULES_COVERED_BY_LINT[p.rule] ?? ''}`))
    .map((p) => ({ file: display(p.fileName), line: p.line ?? 1, column: p.column ?? 1, ruleId: p.rule, severity: 'error', message: p.message, fixable: false }));
  return [...setDiagnostics, ...sqlDiagnostics].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}

function setProblems(sources: ReadonlyArray<MigrationSource>, dir: string, readProblems: ReadonlyArray<MigrationProblem>) {
  try {
    parseMigrations(sources, dir, readProblems);
    return [];
  } catch (e) {
    if (e instanceof MigrationValidationError) return e.problems;
    throw e;
  }
}

export function fixSource(fileName: string, sql: string, options: LintOptions): FixResult {
  return fixSql(sql, { ...options, fileName });
}

/** `file:line:col severity rule-id message`: the form `cdk synth` prints (src/lint formatDiagnostic). */
export function formatDiagnostic(d: Diagnostic, paintSeverity: (severity: string) => string = (s) => s): string {
  return `${d.file}:${d.line}:${d.column} ${paintSeverity(d.severity)} ${d.ruleId} ${d.message}`;
}
