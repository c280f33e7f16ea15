/**
 * A DML transaction sent with the runner's note as one simple-query message.
 *
 * PostgreSQL runs the statements of one simple Query message as one implicit transaction unless
 * the message holds BEGIN or COMMIT: they commit together, or an error rolls back all of them and
 * skips the rest of the message (PostgreSQL documentation, Frontend/Backend Protocol, "Multiple
 * Statements in a Simple Query", https://www.postgresql.org/docs/current/protocol-flow.html).
 * So the transaction, its ledger move or record, and the lease check cost one round trip instead
 * of BEGIN, each statement, the note and COMMIT. The DSQL documentation does not say whether it
 * accepts several statements in one message (docs/dsql-facts.md §2), so on DSQL this is an opt-in.
 *
 * A simple query takes no parameters: the note's values go in as literals.
 */

import { quoteLiteral } from './quoting';

/** Statements joined so that a statement ending in a `--` comment cannot swallow the separator. */
export function oneMessage(statements: ReadonlyArray<string>): string {
  return statements.join('\n;\n');
}

/**
 * The note's `$n` parameters written as SQL literals; undefined when a value cannot be written
 * safely whatever `standard_conforming_strings` says (a backslash or NUL): then the caller sends
 * the transaction statement by statement.
 */
export function withLiterals(text: string, params: ReadonlyArray<unknown>): string | undefined {
  const literals: string[] = [];
  for (const value of params) {
    if (value === null || value === undefined) literals.push('NULL');
    else if (typeof value === 'number' && Number.isFinite(value)) literals.push(String(value));
    else if (typeof value === 'string' && !/[\\\0]/.test(value)) literals.push(quoteLiteral(value));
    else return undefined;
  }
  // Highest numbers first never matters here: each `$n` is matched whole.
  return text.replace(/\$(\d+)/g, (whole, n: string) => literals[Number(n) - 1] ?? whole);
}

/**
 * A statement that fails (22P02, rolling the whole message back) unless `condition` holds: a
 * conditioned write that changed nothing must not let the message commit the transaction's data.
 * The CASE is not a constant, so the cast is evaluated at run time, never while planning.
 */
export function failUnless(condition: string): string {
  return `SELECT CAST(CASE WHEN ${condition} THEN '1' ELSE '${NOTE_NOT_WRITTEN}' END AS int)`;
}

const NOTE_NOT_WRITTEN = 'note not written';

/** The error of `failUnless`: the note's condition (the lease check) did not hold. */
export function isNoteRefused(e: unknown): boolean {
  const { code, message } = e as { code?: string; message?: string };
  return code === '22P02' && (message ?? '').includes(NOTE_NOT_WRITTEN);
}
