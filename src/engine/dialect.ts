import { leadingWords } from './classify';

/** The server a runner talks to. The same files go to both; DSQL-only syntax is translated for PostgreSQL. */
export type Dialect = 'dsql' | 'postgresql';

/**
 * Rewrites a DSQL statement for plain PostgreSQL 16, or returns undefined when it has no meaning there.
 * - `CREATE [UNIQUE] INDEX ASYNC` and `ALTER TABLE ASYNC`: PostgreSQL builds synchronously (dsql-facts §3).
 * - `CALL sys.wait_for_job(...)` / `sys.cancel_job`: DSQL's job procedures; nothing to wait for on PostgreSQL.
 * - `AWS IAM GRANT|REVOKE`: maps IAM principals to roles on DSQL only (dsql-facts §5).
 */
export function translateForPostgres(text: string): string | undefined {
  const words = leadingWords(text, 4);
  if (words[0] === 'AWS' && words[1] === 'IAM') return undefined;
  if (words[0] === 'CALL' && /^\s*CALL\s+sys\s*\.\s*(wait_for_job|cancel_job)\b/i.test(stripLeadingComments(text))) return undefined;
  if (words[0] === 'CREATE' && (words[1] === 'INDEX' || (words[1] === 'UNIQUE' && words[2] === 'INDEX'))) {
    return text.replace(/^((?:\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)*CREATE\s+(?:UNIQUE\s+)?INDEX)\s+ASYNC\b/i, '$1');
  }
  if (words[0] === 'ALTER' && words[1] === 'TABLE' && words[2] === 'ASYNC') {
    return text.replace(/^((?:\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)*ALTER\s+TABLE)\s+ASYNC\b/i, '$1');
  }
  return text;
}

function stripLeadingComments(text: string): string {
  return text.replace(/^(?:\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)*/, '');
}
