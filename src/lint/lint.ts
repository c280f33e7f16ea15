/**
 * Lints migration SQL for Aurora DSQL: runs the rule checks, applies severities and suppressions,
 * and reports diagnostics with a place in the file. Node built-ins only: this runs at `cdk synth`.
 */
import { DRAFT_FILE, DRAFT_MARKER, Finding, Fix, Rule, RuleInfo, RULES, RULES_BY_ID, RuleSetting, Severity, SYNTAX_ERROR, UNUSED_SUPPRESSION } from './rules';
import { parseSuppressions, SuppressionIndex } from './suppressions';
import { FileView, StatementView } from './syntax';
import { normalizeSql, SplitResult, splitStatements, SqlSyntaxError } from '../engine';

export interface LintOptions {
  /** Per-rule severity overrides; `'off'` disables a rule. Unknown rule ids are an error. */
  readonly rules?: Readonly<Record<string, RuleSetting>>;
}

export interface LintDiagnostic {
  readonly fileName: string;
  /** 1-based line and column in the file. */
  readonly line: number;
  readonly column: number;
  readonly ruleId: string;
  readonly severity: Severity;
  readonly message: string;
  /** True when `fixSql` rewrites this occurrence. */
  readonly fixable: boolean;
  readonly docUrl: string;
}

/** A file's diagnostics together with the findings (and their fixes) behind them. */
export interface Analysis {
  readonly file: FileView;
  readonly findings: ReadonlyArray<Finding & { readonly severity: Severity }>;
  readonly diagnostics: LintDiagnostic[];
}

/** The effective setting of every rule; throws on unknown rule ids or settings. */
export function resolveRuleSettings(options: LintOptions = {}): Map<string, RuleSetting> {
  const settings = new Map<string, RuleSetting>(RULES.map((r) => [r.id, r.severity]));
  const unknown: string[] = [];
  for (const [id, setting] of Object.entries(options.rules ?? {})) {
    if (!RULES_BY_ID.has(id)) unknown.push(id);
    else if (setting !== 'error' && setting !== 'warning' && setting !== 'off') throw new Error(`Lint rule ${id}: setting must be 'error', 'warning' or 'off', not ${JSON.stringify(setting)}`);
    else settings.set(id, setting);
  }
  if (unknown.length > 0) {
    throw new Error(`Unknown lint rule id(s): ${unknown.join(', ')}. Known rules: ${RULES.map((r) => r.id).join(', ')}`);
  }
  return settings;
}

export function analyzeSql(fileName: string, sql: string, options: LintOptions = {}): Analysis {
  return analyze(fileName, sql, resolveRuleSettings(options));
}

function analyze(fileName: string, rawSql: string, settings: Map<string, RuleSetting>): Analysis {
  const sql = normalizeSql(rawSql);
  const on = (id: string) => settings.get(id) !== 'off';
  let split: SplitResult;
  try {
    split = splitStatements(sql);
  } catch (e) {
    if (!(e instanceof SqlSyntaxError)) throw e;
    const file = new FileView(fileName, sql, { statements: [], comments: [] });
    const diagnostics = on(SYNTAX_ERROR.id)
      ? [diagnostic(fileName, e.line, e.column, SYNTAX_ERROR, settings.get(SYNTAX_ERROR.id) as Severity, `cannot split the file into statements: ${e.reason}`, false)]
      : [];
    return { file, findings: [], diagnostics };
  }
  const file = new FileView(fileName, sql, split);

  const enabled = RULES.filter((r) => on(r.id));
  const raw: Finding[] = [];
  const statementRules = enabled.filter((r) => r.check);
  const reports = statementRules.map((r) => reportFor(r));
  for (const statement of file.statements) {
    statementRules.forEach((r, i) => raw.push(...r.check!(statement, reports[i], file)));
    statement.release();
  }
  for (const r of enabled) {
    if (r.fileCheck) raw.push(...r.fileCheck(file, (s, message, fix) => ({ ruleId: r.id, offset: s.offset, statementIndex: s.index, message, fix })));
  }

  const suppressions = new SuppressionIndex(parseSuppressions(split.comments, split.statements));
  const findings = raw
    .filter((f) => !suppressions.suppresses(f.ruleId, f.statementIndex))
    .map((f) => ({ ...f, severity: settings.get(f.ruleId) as Severity }));
  const unusedSeverity = settings.get(UNUSED_SUPPRESSION.id);
  if (unusedSeverity !== 'off') {
    for (const u of suppressions.unused((id) => RULES_BY_ID.has(id), on)) {
      findings.push({ ruleId: UNUSED_SUPPRESSION.id, offset: u.offset, message: u.message, severity: unusedSeverity as Severity });
    }
  }
  const draft = split.comments.find((c) => c.text.includes(DRAFT_MARKER));
  if (draft && on(DRAFT_FILE.id)) findings.push({ ruleId: DRAFT_FILE.id, offset: draft.offset, severity: settings.get(DRAFT_FILE.id) as Severity });
  findings.sort((a, b) => a.offset - b.offset);

  const diagnostics = findings.map((f) => {
    const { line, column } = file.position(f.offset);
    const rule = RULES_BY_ID.get(f.ruleId)!;
    return diagnostic(fileName, line, column, rule, f.severity, f.message ?? rule.message, f.fix !== undefined);
  });
  return { file, findings, diagnostics };
}

/** Findings of a statement rule carry its id. */
function reportFor(rule: Rule) {
  return (s: StatementView, tokenIndex: number, message?: string, fix?: Fix): Finding =>
    ({ ruleId: rule.id, offset: s.at(tokenIndex), statementIndex: s.index, message, fix });
}

function diagnostic(
  fileName: string, line: number, column: number, rule: RuleInfo, severity: Severity, message: string, fixable: boolean,
): LintDiagnostic {
  return { fileName, line, column, ruleId: rule.id, severity, message, fixable, docUrl: rule.docUrl };
}

/** Lints one file's SQL. */
export function lintSql(fileName: string, sql: string, options: LintOptions = {}): LintDiagnostic[] {
  return analyzeSql(fileName, sql, options).diagnostics;
}

/** Lints a migration set (files in the order given); accepts `Migration`s or `{ fileName, sql }` sources. */
export function lintMigrations(
  migrations: ReadonlyArray<{ readonly fileName: string; readonly sql: string }>,
  options: LintOptions = {},
): LintDiagnostic[] {
  const settings = resolveRuleSettings(options);
  return migrations.flatMap((m) => analyze(m.fileName, m.sql, settings).diagnostics);
}

/** `file:line:col severity rule-id message`: one line per diagnostic, as the CLI prints it too. */
export function formatDiagnostic(d: LintDiagnostic): string {
  return `${d.fileName}:${d.line}:${d.column} ${d.severity} ${d.ruleId} ${d.message}`;
}
