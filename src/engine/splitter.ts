/**
 * Splits a migration file into statements the way psql would: a `;` ends a statement only outside
 * strings, quoted identifiers, dollar quotes, comments, parentheses (psql counts their depth, so
 * `CREATE RULE ... DO ALSO (INSERT ...; INSERT ...)` stays whole) and `BEGIN ATOMIC ... END` bodies.
 *
 * DSQL runs one DDL statement per transaction (docs/dsql-facts.md §2), and a multi-statement string sent
 * in one query runs as one implicit transaction, so files must be split client-side.
 */
import { dollarTagAt, IDENT_CHAR, IDENT_START, isEscapeString, lineCommentEnd, scanBlockComment, scanDollarQuoted, scanQuoted } from './lexical';
import { lineIndex } from './lines';

/** One statement of a file, with its place in the file (1-based line and column). */
export interface SqlStatement {
  /** Statement text without the terminating semicolon, trimmed. */
  readonly text: string;
  readonly line: number;
  readonly column: number;
  /** Offset of the first character in the file. */
  readonly offset: number;
  /** Offset one past the last character (before the semicolon). */
  readonly end: number;
}

/** A comment of the file, `--` or `/* *\/`, with the line it starts on. */
export interface SqlComment {
  readonly text: string;
  readonly line: number;
  readonly offset: number;
  readonly block: boolean;
}

export interface SplitResult {
  readonly statements: SqlStatement[];
  readonly comments: SqlComment[];
}

/** SQL text that cannot be split: an unterminated string, identifier, dollar quote or comment. */
export class SqlSyntaxError extends Error {
  constructor(
    public readonly reason: string,
    public readonly line: number,
    public readonly column: number,
  ) {
    super(`${reason} (line ${line}, column ${column})`);
    this.name = 'SqlSyntaxError';
  }
}

/** drizzle-kit separates statements with this line comment. */
const DRIZZLE_BREAKPOINT = /^-->\s*statement-breakpoint\b/;

export function splitStatements(sql: string): SplitResult {
  const position = lineIndex(sql);
  const fail = (reason: string, offset: number): never => {
    const { line, column } = position(offset);
    throw new SqlSyntaxError(reason, line, column);
  };

  const statements: SqlStatement[] = [];
  const comments: SqlComment[] = [];
  let start = -1; // offset of the current statement's first token, -1 when none yet
  let lastTokenEnd = 0;
  // Enough of the current statement's words to recognise CREATE FUNCTION ... BEGIN ATOMIC.
  let wordCount = 0;
  let routine = false;
  let prevWord = '';
  let atomicDepth = 0;
  let parenDepth = 0;

  const finish = () => {
    if (start >= 0) {
      const { line, column } = position(start);
      statements.push({ text: sql.slice(start, lastTokenEnd).trim(), line, column, offset: start, end: lastTokenEnd });
    }
    start = -1;
    wordCount = 0;
    routine = false;
    prevWord = '';
    atomicDepth = 0;
    parenDepth = 0;
  };
  const token = (from: number, to: number) => {
    if (start < 0) start = from;
    lastTokenEnd = to;
  };

  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i];
    const next = sql[i + 1];

    if (c === '-' && next === '-') {
      const j = lineCommentEnd(sql, i);
      const text = sql.slice(i, j);
      comments.push({ text, line: position(i).line, offset: i, block: false });
      if (DRIZZLE_BREAKPOINT.test(text) && atomicDepth === 0) finish();
      i = j;
      continue;
    }
    if (c === '/' && next === '*') {
      const j = scanBlockComment(sql, i);
      if (j < 0) fail('unterminated block comment', i);
      comments.push({ text: sql.slice(i, j), line: position(i).line, offset: i, block: true });
      i = j;
      continue;
    }
    if (c === "'") {
      // E'...' strings allow backslash escapes; the prefix letter was consumed as a word just before.
      const j = scanQuoted(sql, i, "'", isEscapeString(sql, i));
      if (j < 0) fail('unterminated string literal', i);
      token(i, j);
      i = j;
      continue;
    }
    if (c === '"') {
      const j = scanQuoted(sql, i, '"', false);
      if (j < 0) fail('unterminated quoted identifier', i);
      token(i, j);
      i = j;
      continue;
    }
    if (c === '$') {
      const tag = dollarTagAt(sql, i);
      if (tag !== undefined) {
        const j = scanDollarQuoted(sql, i, tag);
        if (j < 0) fail(`unterminated dollar-quoted string ${tag}`, i);
        token(i, j);
        i = j;
        continue;
      }
    }
    if (c === ';') {
      if (atomicDepth > 0 || parenDepth > 0) {
        token(i, i + 1);
        i++;
        continue;
      }
      finish();
      i++;
      continue;
    }
    if (IDENT_START.test(c) && !IDENT_CHAR.test(sql[i - 1] ?? ' ')) {
      let j = i + 1;
      while (j < n && IDENT_CHAR.test(sql[j])) j++;
      const word = sql.slice(i, j).toUpperCase();
      token(i, j);
      trackAtomic(word);
      i = j;
      continue;
    }
    if (c === '(') parenDepth++;
    else if (c === ')' && parenDepth > 0) parenDepth--;
    if (!/\s/.test(c)) token(i, i + 1);
    i++;
  }
  finish();
  return { statements, comments };

  // SQL-standard function bodies (`BEGIN ATOMIC ... END`) contain semicolons; psql keeps them whole.
  function trackAtomic(word: string) {
    wordCount++;
    if (wordCount <= 4 && (word === 'FUNCTION' || word === 'PROCEDURE') && sql.slice(start, start + 6).toUpperCase() === 'CREATE') {
      routine = true;
    }
    if (routine) {
      if (word === 'ATOMIC' && prevWord === 'BEGIN') atomicDepth++;
      else if (atomicDepth > 0 && word === 'CASE') atomicDepth++;
      else if (atomicDepth > 0 && word === 'END') atomicDepth--;
    }
    prevWord = word;
  }
}
