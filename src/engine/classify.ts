/**
 * What kind of statement a piece of SQL is, as far as DSQL's transaction rules care:
 * "Transactions in Aurora DSQL can contain only one DDL statement and can't have both DDL and
 * DML statements" (dsql-facts §2).
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

/** The first `count` words of a statement, upper-cased, skipping comments. Quoted tokens become `"`. */
export function leadingWords(text: string, count: number): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < text.length && words.length < count) {
    const c = text[i];
    if (c === '-' && text[i + 1] === '-') {
      const j = text.indexOf('\n', i);
      i = j < 0 ? text.length : j;
    } else if (c === '/' && text[i + 1] === '*') {
      let depth = 1;
      i += 2;
      while (i < text.length && depth > 0) {
        if (text[i] === '/' && text[i + 1] === '*') { depth++; i += 2; } else if (text[i] === '*' && text[i + 1] === '/') { depth--; i += 2; } else {i++;}
      }
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < text.length && /[A-Za-z0-9_$]/.test(text[j])) j++;
      words.push(text.slice(i, j).toUpperCase());
      i = j;
    } else if (/\s/.test(c)) {
      i++;
    } else {
      words.push(c === "'" || c === '"' || c === '$' ? '"' : c);
      return words;
    }
  }
  return words;
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
 * What DSQL refuses in one transaction, as counts of its DDL and DML statements (dsql-facts §2):
 * the one rule the strict mode, the lint and the runner share. A block of one DDL statement and
 * nothing that writes is accepted, so the runner never adds its own writes to a block holding DDL.
 */
export function dsqlTransactionProblem(ddl: number, dml: number): string | undefined {
  if (ddl > 1) return 'multiple ddl statements not supported in a transaction';
  if (ddl > 0 && dml > 0) return 'ddl and dml are not supported in the same transaction';
  return undefined;
}
