/**
 * Every lint rule, in the order the documentation lists them and the checks run. A new rule is one
 * value in the file of its category (and flagged/clean cases in test/lint/rules.test.ts).
 */
import { ALTER_TABLE_RULES } from './alter-table';
import { INDEX_RULES } from './indexes';
import { LIMIT_RULES } from './limits';
import { DRAFT_FILE, UNUSED_SUPPRESSION } from './meta';
import { OBJECT_RULES } from './objects';
import { RERUNNABILITY_RULES } from './rerunnability';
import { Rule } from './rule';
import { STATEMENT_RULES } from './statements';
import { TRANSACTION_RULES } from './transactions';
import { TYPE_RULES } from './types';

export { SYNTAX_ERROR } from './statements';
export { DRAFT_FILE, DRAFT_MARKER, UNUSED_SUPPRESSION } from './meta';
export type { Finding, Fix, Rule, RuleCategory, RuleInfo, RuleSetting, Severity } from './rule';

export const RULES: ReadonlyArray<Rule> = [
  ...INDEX_RULES, ...ALTER_TABLE_RULES, ...TYPE_RULES, ...OBJECT_RULES, ...STATEMENT_RULES,
  ...TRANSACTION_RULES, ...LIMIT_RULES, ...RERUNNABILITY_RULES, DRAFT_FILE, UNUSED_SUPPRESSION,
];

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((r) => [r.id, r]));
