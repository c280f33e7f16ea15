import { leadingWordsAt } from './classify';
import { stripLeadingTrivia } from './lexical';

/** The server a runner talks to. The same files go to both; DSQL-only syntax is translated for PostgreSQL. */
export type Dialect = 'dsql' | 'postgresql';

/**
 * Rewrites a DSQL statement for plain PostgreSQL 16, or returns undefined when it has no meaning there.
 * - `CREATE [UNIQUE] INDEX ASYNC` and `ALTER TABLE ASYNC`: PostgreSQL builds synchronously (docs/dsql-facts.md §3).
 * - `CALL sys.wait_for_job(...)` / `sys.cancel_job`: DSQL's job procedures; nothing to wait for on PostgreSQL.
 * - `AWS IAM GRANT|REVOKE`: maps IAM principals to roles on DSQL only (docs/dsql-facts.md §5).
 */
export function translateForPostgres(text: string): string | undefined {
  const words = leadingWordsAt(text, 4);
  const [first, second, third, fourth] = words.map((w) => w.word);
  if (first === 'AWS' && second === 'IAM') return undefined;
  if (first === 'CALL' && /^CALL\s+sys\s*\.\s*(wait_for_job|cancel_job)\b/i.test(stripLeadingTrivia(text))) return undefined;
  // The ASYNC word goes, with what separates it from the word before it.
  const withoutWord = (at: number) => text.slice(0, words[at - 1].end) + text.slice(words[at].end);
  if (first === 'CREATE' && second === 'INDEX' && third === 'ASYNC') return withoutWord(2);
  if (first === 'CREATE' && second === 'UNIQUE' && third === 'INDEX' && fourth === 'ASYNC') return withoutWord(3);
  if (first === 'ALTER' && second === 'TABLE' && third === 'ASYNC') return withoutWord(2);
  return text;
}
