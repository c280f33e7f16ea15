/**
 * Runs AWS's dsql-lint test fixtures (read from the shared corpus at `SHARED_DIR`, never copied
 * into the repository) through our linter and fixer, and says per case whether we agree with what
 * the fixture asserts.
 * Only DSQL-compatibility and transaction rules are compared: dsql-lint has no re-runnability,
 * row-limit or suppression rules, so those are switched off here.
 */
import * as fs from 'fs';
import * as path from 'path';
import { splitStatements } from '../../src/engine/splitter';
import { fixSql, FixResult } from '../../src/lint/fix';
import { LintOptions, lintSql } from '../../src/lint/lint';
import { RULES } from '../../src/lint/rules';
import { canonicalSql } from '../../src/lint/tokenize';
import { SHARED_DIR } from '../support/shared';

export const CASES_DIR = path.join(SHARED_DIR, 'corpus', 'dsql-lint-cases');
export const DSQL_LINT_DIR = path.join(SHARED_DIR, 'corpus', 'awslabs-aurora-dsql-tools', 'dsql-lint');

/** Compatibility and transaction rules only: the scope dsql-lint covers. */
export const COMPARED: LintOptions = {
  rules: Object.fromEntries(RULES.filter((r) => r.category !== 'compatibility' && r.category !== 'transaction').map((r) => [r.id, 'off'])),
};

/** dsql-lint rule ids named in `rules_absent`, mapped to ours. */
const RULE_ID_MAP: Record<string, string> = {
  mixed_ddl_dml_transaction: 'ddl-and-dml-in-transaction',
  multi_ddl_transaction: 'multiple-ddl-in-transaction',
  validate_constraint_async: 'validate-constraint-async',
};

/** What a fixture asserts, in terms we can check against our own output. */
export interface Expectation {
  /** The input is flagged (true) or lints clean (false). */
  flagged?: boolean;
  /** `fix` leaves nothing unfixable (true) / leaves something (false). */
  fixable?: boolean;
  /** Expected fix output, compared after normalising layout, keyword case and single-statement BEGIN/COMMIT. */
  fixed?: string;
  /** Fix tiers: Fixed (a behaviour-preserving fix), FixedWithWarning (a behaviour-changing fix), Unfixable. */
  fixTiers?: string[];
  messageNotContains?: string[];
  rulesAbsent?: string[];
  fixOutputContains?: string[];
  fixOutputNotContains?: string[];
  /** `fix` exit code: 0 all fixed without behaviour change, 3 fixed with warnings, 1 something unfixable. */
  fixExitCode?: number;
}

export interface AgreementCase {
  readonly id: string;
  readonly sql: string;
  readonly expect: Expectation;
}

/**
 * - verdict: clean/flagged differs, or the fix output is not equivalent to the expected fix
 *   (the agreement that counts);
 * - strict: only a finer assertion differs (fix tier, fixability, exit code, message or output
 *   substrings, rules that must be absent).
 */
export type DisagreementLevel = 'verdict' | 'strict';

export interface CaseResult {
  readonly id: string;
  /** Same verdict, and an equivalent fix where one is expected. */
  readonly agreed: boolean;
  /** Every machine-checkable assertion of the fixture holds. */
  readonly strictlyAgreed: boolean;
  /** The worst disagreement, if any. */
  readonly level?: DisagreementLevel;
  /** Which assertions we disagree with. */
  readonly failures: string[];
}

/** Layout- and case-blind statement list; a BEGIN/COMMIT around one statement equals the statement alone. */
export function comparableStatements(sql: string): string[] {
  const statements = splitStatements(sql).statements.map((s) => canonicalSql(s.text));
  const isBegin = (s: string) => s.startsWith('BEGIN') || s.startsWith('START TRANSACTION');
  const isCommit = (s: string) => s === 'COMMIT' || s === 'END';
  const out: string[] = [];
  for (let i = 0; i < statements.length; i++) {
    const single = i + 2 < statements.length && !isBegin(statements[i + 1]) && !isCommit(statements[i + 1]) && isCommit(statements[i + 2]);
    if (isBegin(statements[i]) && single) {
      out.push(statements[i + 1]);
      i += 2;
    } else {
      out.push(statements[i]);
    }
  }
  return out;
}

export function evaluate(c: AgreementCase): CaseResult {
  const failures: string[] = [];
  let verdictFailures = 0;
  const diagnostics = lintSql(c.id, c.sql, COMPARED);
  let fixResult: FixResult | undefined;
  // dsql-lint's fix applies every rewrite it knows; ours applies warning-level ones on request.
  const fix = () => (fixResult ??= fixSql(c.sql, { ...COMPARED, includeWarnings: true }));
  const e = c.expect;

  if (e.flagged !== undefined && e.flagged !== diagnostics.length > 0) verdictFailures = failures.push(e.flagged ? 'expected flagged, we lint clean' : `expected clean, we report ${diagnostics.map((d) => d.ruleId).join(', ')}`);
  for (const text of e.messageNotContains ?? []) {
    const hit = diagnostics.find((d) => d.message.includes(text));
    if (hit) failures.push(`no message may contain "${text}", ours: ${hit.message}`);
  }
  for (const theirs of e.rulesAbsent ?? []) {
    const ours = RULE_ID_MAP[theirs];
    if (!ours) throw new Error(`no mapping for dsql-lint rule id ${theirs}`);
    if (diagnostics.some((d) => d.ruleId === ours)) failures.push(`rule ${ours} must be absent`);
  }
  if (e.fixable !== undefined) {
    const leftover = fix().remaining.length > 0;
    if (e.fixable && leftover) failures.push(`expected fixable, fix leaves ${fix().remaining.map((d) => d.ruleId).join(', ')}`);
    if (!e.fixable && (!leftover || diagnostics.length === 0)) failures.push('expected unfixable, our fix resolves it');
  }
  if (e.fixed !== undefined) {
    const ours = comparableStatements(fix().sql);
    const theirs = comparableStatements(e.fixed);
    if (ours.join(';\n') !== theirs.join(';\n')) verdictFailures = failures.push(`fix differs:\n  ours:   ${ours.join('; ')}\n  theirs: ${theirs.join('; ')}`);
  }
  for (const tier of e.fixTiers ?? []) {
    const ok = tier === 'Fixed' ? fix().applied.some((a) => !a.changesBehaviour)
      : tier === 'FixedWithWarning' ? fix().applied.some((a) => a.changesBehaviour)
        : fix().remaining.length > 0;
    if (!ok) failures.push(`expected a ${tier} fix`);
  }
  for (const text of e.fixOutputContains ?? []) if (!fix().sql.toUpperCase().includes(text.toUpperCase())) failures.push(`fix output must contain "${text}"`);
  for (const text of e.fixOutputNotContains ?? []) if (fix().sql.toUpperCase().includes(text.toUpperCase())) failures.push(`fix output must not contain "${text}"`);
  if (e.fixExitCode !== undefined) {
    const code = fix().remaining.length > 0 ? 1 : fix().applied.some((a) => a.changesBehaviour) ? 3 : 0;
    if (code !== e.fixExitCode) failures.push(`fix exit code ${e.fixExitCode} expected, ours would be ${code}`);
  }
  const level: DisagreementLevel | undefined = verdictFailures > 0 ? 'verdict' : failures.length > 0 ? 'strict' : undefined;
  return { id: c.id, agreed: verdictFailures === 0, strictlyAgreed: failures.length === 0, level, failures };
}

// ---------------------------------------------------------------------------------------------
// Loading the fixtures

interface CaseJson {
  rules: string[] | null;
  rules_exhaustive: boolean;
  fixable: boolean | null;
  fixed: string | null;
  rules_absent: string[];
  fix_tier: string[];
  message_contains: string[];
  message_not_contains: string[];
  fix_output_contains: string[];
  fix_output_not_contains: string[];
  fix_output_relints_clean: boolean;
  exit_code: { lint?: number; fix?: number };
  dsql_cluster: { accepts_input?: boolean; rejects_input?: boolean; accepts_fixed?: boolean };
}

/** The 417 cases of dsql-lint-cases/, one folder each. */
export function loadCaseFolders(): AgreementCase[] {
  return fs.readdirSync(CASES_DIR).filter((d) => /^\d{3}-/.test(d)).sort().map((dir) => {
    const sql = fs.readFileSync(path.join(CASES_DIR, dir, 'input.sql'), 'utf8');
    const j = JSON.parse(fs.readFileSync(path.join(CASES_DIR, dir, 'expected.json'), 'utf8')) as CaseJson;
    const expect: Expectation = {};
    const positive = (j.rules !== null && j.rules.length > 0) || j.message_contains.length > 0
      || j.dsql_cluster.rejects_input === true || j.exit_code.lint === 1;
    const negative = (j.rules !== null && j.rules.length === 0 && j.rules_exhaustive)
      || j.dsql_cluster.accepts_input === true || j.exit_code.lint === 0;
    if (positive && negative) throw new Error(`${dir}: contradictory expectations`);
    if (positive) expect.flagged = true;
    if (negative) expect.flagged = false;
    if (j.fixable !== null) expect.fixable = j.fixable;
    if (j.fix_output_relints_clean || j.dsql_cluster.accepts_fixed) expect.fixable = true;
    if (j.fixed !== null) expect.fixed = j.fixed;
    if (j.fix_tier.length > 0) expect.fixTiers = j.fix_tier;
    if (j.message_not_contains.length > 0) expect.messageNotContains = j.message_not_contains;
    if (j.rules_absent.length > 0) expect.rulesAbsent = j.rules_absent;
    if (j.fix_output_contains.length > 0) expect.fixOutputContains = j.fix_output_contains;
    if (j.fix_output_not_contains.length > 0) expect.fixOutputNotContains = j.fix_output_not_contains;
    if (j.exit_code.fix !== undefined) expect.fixExitCode = j.exit_code.fix;
    return { id: `cases/${dir}`, sql, expect };
  });
}

/** grammar/accept (must lint clean) and grammar/reject (must be flagged; fixed/ holds the expected fix). */
export function loadGrammarCases(): AgreementCase[] {
  const dir = path.join(DSQL_LINT_DIR, 'grammar');
  const read = (sub: string, f: string) => fs.readFileSync(path.join(dir, sub, f), 'utf8');
  const accept = fs.readdirSync(path.join(dir, 'accept')).sort().map((f) => ({ id: `grammar/accept/${f}`, sql: read('accept', f), expect: { flagged: false } }));
  const reject = fs.readdirSync(path.join(dir, 'reject')).sort().map((f) => {
    const expect: Expectation = { flagged: true };
    if (fs.existsSync(path.join(dir, 'fixed', f))) {
      expect.fixed = read('fixed', f);
      expect.fixable = true;
    }
    return { id: `grammar/reject/${f}`, sql: read('reject', f), expect };
  });
  return [...accept, ...reject];
}

/**
 * grammar_corpus_in_tree/ mirrors arrays that dsql-lint-cases/ already holds. A labelled statement
 * whose SQL is already a case input is covered there; the rest become cases of their own.
 * (supported_types.sql renders the same type template with table `_t` where the cases use `_type_test`.)
 */
export function loadInTreeCases(caseInputs: ReadonlySet<string>): { cases: AgreementCase[]; covered: number } {
  const dir = path.join(DSQL_LINT_DIR, 'grammar_corpus_in_tree');
  const cases: AgreementCase[] = [];
  let covered = 0;
  const files: Record<string, (label: string) => Expectation> = {
    'clean_statements.sql': () => ({ flagged: false }),
    'supported_types.sql': () => ({ flagged: false }),
    'error_cases.sql': () => ({ flagged: true }),
    'false_positive_cases.sql': (label) => ({ messageNotContains: [label] }),
  };
  for (const [file, expectation] of Object.entries(files)) {
    const sql = fs.readFileSync(path.join(dir, file), 'utf8');
    const { statements, comments } = splitStatements(sql);
    statements.forEach((s, i) => {
      const labelComment = [...comments].reverse().find((c) => c.offset < s.offset && c.text.startsWith('-- label:'));
      const label = labelComment ? labelComment.text.slice('-- label:'.length).trim() : '';
      const text = `${s.text};`;
      const asCase = file === 'supported_types.sql' ? text.replace('CREATE TABLE _t (', 'CREATE TABLE _type_test (') : text;
      if (caseInputs.has(asCase)) {
        covered++;
        return;
      }
      cases.push({ id: `in-tree/${file}#${i + 1}`, sql: text, expect: expectation(label) });
    });
  }
  return { cases, covered };
}

export interface AgreementReport {
  readonly results: CaseResult[];
  readonly total: number;
  readonly agreed: number;
  readonly strictlyAgreed: number;
  readonly inTreeCovered: number;
  /** Cases whose only assertions are about CLI text output (summary counts, labels): not counted. */
  readonly unchecked: string[];
}

export function runAgreement(): AgreementReport {
  const caseFolders = loadCaseFolders();
  const inTree = loadInTreeCases(new Set(caseFolders.map((c) => c.sql.trim())));
  const all = [...caseFolders, ...loadGrammarCases(), ...inTree.cases];
  const checkable = (c: AgreementCase) => Object.keys(c.expect).length > 0;
  const results = all.filter(checkable).map(evaluate);
  return {
    results,
    total: results.length,
    agreed: results.filter((r) => r.agreed).length,
    strictlyAgreed: results.filter((r) => r.strictlyAgreed).length,
    inTreeCovered: inTree.covered,
    unchecked: all.filter((c) => !checkable(c)).map((c) => c.id),
  };
}
