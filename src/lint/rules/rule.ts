/**
 * What a lint rule is: one value with its id, default severity, category, message, the DSQL
 * documentation it rests on, and the check that finds it (a finding that `fixSql` can rewrite
 * carries its edits, so "fixable" in a diagnostic is exactly "a fix exists here"). Rule ids are
 * stable; a rule that DSQL outgrows is removed, not renamed. `docs/lint-rules.md` is generated
 * from these values (`npx projen docs:lint-rules`).
 */
import { FileView, StatementView, TextEdit } from '../syntax';

export type Severity = 'error' | 'warning';
export type RuleSetting = Severity | 'off';

/**
 * - compatibility: DSQL rejects the statement (or treats it differently from PostgreSQL);
 * - transaction: DSQL's one-DDL-per-transaction and no-DDL-with-DML rules;
 * - runner: the file shape this project's runner needs (balanced BEGIN/COMMIT, no ROLLBACK);
 * - rerunnability: a file that stops halfway must be safe to apply again;
 * - limits: statements that may exceed a DSQL quota at run time;
 * - meta: the linter's own findings (unused suppressions).
 */
export type RuleCategory = 'compatibility' | 'transaction' | 'runner' | 'rerunnability' | 'limits' | 'meta';

export interface Fix {
  readonly edits: TextEdit[];
  /** True when the rewritten SQL behaves differently (not only spelled differently) from the original. */
  readonly changesBehaviour: boolean;
  /** What the fix does, in one line. */
  readonly description: string;
  /** What the author should know about the result; empty when nothing. */
  readonly note: string;
}

export interface Finding {
  readonly ruleId: string;
  /** File offset the diagnostic points at. */
  readonly offset: number;
  /** The statement the finding belongs to (for suppressions). */
  readonly statementIndex?: number;
  /** A message specific to this occurrence; the rule's message when absent. */
  readonly message?: string;
  readonly fix?: Fix;
}

/** Makes a finding of the rule being checked, at a token of a statement. */
export type Report = (s: StatementView, tokenIndex: number, message?: string, fix?: Fix) => Finding;
/** Makes a finding of the rule being checked, at the start of a statement. */
export type ReportStatement = (s: StatementView, message: string, fix?: Fix) => Finding;

export type StatementCheck = (s: StatementView, report: Report, file: FileView) => Finding[];
export type FileCheck = (file: FileView, report: ReportStatement) => Finding[];

/** The user's view of a rule: what `RULES` lists and the documentation shows. */
export interface RuleInfo {
  readonly id: string;
  readonly severity: Severity;
  readonly category: RuleCategory;
  /** Whether the rule's check yields fixes for at least some occurrences (the rule tests hold it to that). */
  readonly fixable: boolean;
  readonly message: string;
  readonly docUrl: string;
  /** Where the rule comes from in docs/dsql-facts.md, and the DSQL change it follows, if any. */
  readonly fact: string;
  /** More than the message says (markdown, for the documentation). */
  readonly notes?: string;
  /** What the fixes rewrite (markdown, for the documentation); fixable rules have one. */
  readonly fixDoc?: ReadonlyArray<FixDoc>;
}

export interface FixDoc {
  readonly rewrite: string;
  /** Whether (or when) the rewritten SQL behaves differently. */
  readonly changesBehaviour: string;
}

export interface Rule extends RuleInfo {
  /** Runs on every statement. */
  readonly check?: StatementCheck;
  /** Runs once per file. Rules with neither check are reported by the lint engine itself. */
  readonly fileCheck?: FileCheck;
}

const DOCS = 'https://docs.aws.amazon.com/aurora-dsql/latest/userguide';
export const DOC = {
  unsupported: `${DOCS}/working-with-postgresql-compatibility-unsupported-features.html`,
  migrationGuide: `${DOCS}/working-with-postgresql-compatibility-migration-guide.html`,
  supportedSql: `${DOCS}/working-with-postgresql-compatibility-supported-sql-features.html`,
  createIndex: `${DOCS}/create-index-syntax-support.html`,
  createIndexAsync: `${DOCS}/working-with-create-index-async.html`,
  alterTable: `${DOCS}/alter-table-syntax-support.html`,
  createTable: `${DOCS}/create-table-syntax-support.html`,
  primaryKeys: `${DOCS}/working-with-primary-keys.html`,
  foreignKeys: `${DOCS}/working-with-foreign-key-constraints.html`,
  createSequence: `${DOCS}/create-sequence-syntax-support.html`,
  dataTypes: `${DOCS}/working-with-postgresql-compatibility-supported-data-types.html`,
  ddl: `${DOCS}/working-with-ddl.html`,
  quotas: `${DOCS}/CHAP_quotas.html`,
  isolation: `${DOCS}/working-with.html`,
  concurrency: `${DOCS}/working-with-concurrency-control.html`,
  systemTables: `${DOCS}/working-with-systems-tables.html`,
  authentication: `${DOCS}/authentication-authorization.html`,
  // DSQL's JSONB rejection is documented by AWS Labs, not the user guide (docs/dsql-facts.md §7).
  jsonb: 'https://github.com/awslabs/agent-plugins/commit/715fa78',
} as const;
