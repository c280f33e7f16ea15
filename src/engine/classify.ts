import { skipTrivia } from './lexical';

/**
 * What kind of statement a piece of SQL is, as far as DSQL's transaction rules care:
 * "Transactions in Aurora DSQL can contain only one DDL statement and can't have both DDL and
 * DML statements" (docs/dsql-facts.md §2).
 */
export type StatementKind =
  /** Changes the catalog: CREATE, ALTER, DROP, GRANT, ... (each needs its own transaction on DSQL). */
  | 'ddl'
  /** Changes or reads rows: INSERT, UPDATE, DELETE, SELECT, WITH, ... */
  | 'dml'
  /** BEGIN / START TRANSACTION. */
  | 'begin'
  /** COMMIT / END. */
  | 'commit'
  /** ROLLBACK / ABORT. */
  | 'rollback'
  /** Session and utility statements: SET, CALL, ANALYZE, ... */
  | 'other';

const DDL = new Set(['CREATE', 'ALTER', 'DROP', 'COMMENT', 'GRANT', 'REVOKE', 'TRUNCATE', 'REINDEX', 'SECURITY', 'REFRESH', 'IMPORT', 'CLUSTER']);
const DML = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE', 'SELECT', 'WITH', 'VALUES', 'TABLE', 'COPY']);

/** A word at the start of a statement: upper-cased, with its offsets in the text. */
export interface LeadingWord {
  readonly word: string;
  readonly start: number;
  readonly end: number;
}

/**
 * The first `count` words of a statement, skipping whitespace and comments. The first character
 * that is not a word ends the list: a quoted token becomes `"`, anything else stands for itself.
 */
export function leadingWordsAt(text: string, count: number): LeadingWord[] {
  const words: LeadingWord[] = [];
  for (let i = skipTrivia(text, 0); i < text.length && words.length < count; i = skipTrivia(text, i)) {
    const c = text[i];
    if (!/[A-Za-z_]/.test(c)) {
      words.push({ word: c === "'" || c === '"' || c === '$' ? '"' : c, start: i, end: i + 1 });
      break;
    }
    let j = i + 1;
    while (j < text.length && /[A-Za-z0-9_$]/.test(text[j])) j++;
    words.push({ word: text.slice(i, j).toUpperCase(), start: i, end: j });
    i = j;
  }
  return words;
}

/** The first `count` words of a statement, upper-cased, skipping comments. Quoted tokens become `"`. */
export function leadingWords(text: string, count: number): string[] {
  return leadingWordsAt(text, count).map((w) => w.word);
}

export function classifyStatement(text: string): StatementKind {
  const [first, second] = leadingWords(text, 2);
  if (first === undefined) return 'other';
  if (first === 'BEGIN' || (first === 'START' && second === 'TRANSACTION')) return 'begin';
  if (first === 'COMMIT' || first === 'END') return 'commit';
  if (first === 'ROLLBACK' || first === 'ABORT') return 'rollback';
  // DSQL's `AWS IAM GRANT role TO 'arn'` maps an IAM principal to a database role.
  if (first === 'AWS') return 'ddl';
  if (DDL.has(first)) return 'ddl';
  if (DML.has(first) || first === '(') return 'dml';
  return 'other';
}

/**
 * What DSQL refuses in one transaction, as counts of its DDL and DML statements (docs/dsql-facts.md §2):
 * the one rule the strict mode, the lint and the runner share. A block of one DDL statement and
 * nothing that writes is accepted, so the runner never adds its own writes to a block holding DDL.
 */
export function dsqlTransactionProblem(ddl: number, dml: number): string | undefined {
  if (ddl > 1) return 'multiple ddl statements not supported in a transaction';
  if (ddl > 0 && dml > 0) return 'ddl and dml are not supported in the same transaction';
  return undefined;
}
