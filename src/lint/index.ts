/**
 * DSQL compatibility lint and auto-fix for migration SQL. Dependency-free (Node built-ins only),
 * so it runs at `cdk synth`, in the CLI and in tests alike.
 */
export { RULES, RULES_BY_ID } from './rules';
export type { RuleCategory, RuleInfo, RuleSetting, Severity } from './rules';
export { formatDiagnostic, lintMigrations, lintSql, resolveRuleSettings } from './lint';
export type { LintDiagnostic, LintOptions } from './lint';
export { fixSql } from './fix';
export type { AppliedFix, FixOptions, FixResult } from './fix';
export { canonicalSql } from './tokenize';
