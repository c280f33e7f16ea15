/**
 * The CLI's one door to the lint engine (src/lint) and to the set-level checks of the migration
 * loader (names, duplicate versions, empty files), merged into one list of diagnostics.
 */
import * as path from 'path';
import { InvalidArgumentError, Option } from 'commander';
import { UsageError } from './errors';
import { checkMigrations, formatDiagnostic as formatCheckDiagnostic, MigrationDiagnostic } from '../src/check';
import { MigrationFolder } from '../src/engine';
import { fixSql, FixResult, LintOptions, resolveRuleSettings, RuleSetting } from '../src/lint';

/** A diagnostic of src/check.ts with `file`: the file as the user would open it (folder and name). */
export type Diagnostic = Omit<MigrationDiagnostic, 'fileName'> & { readonly file: string };

export function ruleOption(): Option {
  return new Option('--rule <id=severity>', 'raise, lower or turn off a rule: <rule-id>=error|warning|off (one flag per rule)').argParser(parseRuleOption);
}

/** `--no-lint` of a command that lints before it reads the database (`plan`, `apply`). */
export function noLintOption(command: string): Option {
  return new Option('--no-lint', `${command} files that have lint errors (by default ${command} refuses them, as cdk synth does)`);
}

/** The values of `--no-lint` and `--rule`. */
export interface LintGateOptions {
  /** false with --no-lint. */
  readonly lint: boolean;
  readonly rule?: Record<string, RuleSetting>;
}

/** The lint `plan` and `apply` run before anything else, as cdk synth does; false with --no-lint. */
export function gateLintOptions(o: LintGateOptions): LintOptions | false {
  return o.lint ? lintOptions(o.rule) : false;
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

/** Every diagnostic for a folder's migration files (and the entries refused while reading it), ordered by file, line and column (src/check.ts). */
export function lintSources(dir: string, folder: MigrationFolder, options: LintOptions): Diagnostic[] {
  return checkMigrations(folder, options).diagnostics.map(({ fileName, ...d }) => ({ file: path.join(dir, fileName), ...d }));
}

export function fixSource(fileName: string, sql: string, options: LintOptions): FixResult {
  return fixSql(sql, { ...options, fileName });
}

/** `file:line:col severity rule-id message`: the form `cdk synth` prints (src/check.ts). */
export function formatDiagnostic({ file, ...d }: Diagnostic, paintSeverity?: (severity: string) => string): string {
  return formatCheckDiagnostic(path.dirname(file), { ...d, fileName: path.basename(file) }, paintSeverity);
}
