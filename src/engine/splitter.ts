/**
 * Splits a migration file into statements the way psql would: a `;` ends a statement only outside
 * strings, quoted identifiers, dollar quotes, comments, parentheses (psql counts their depth, so
 * `CREATE RULE ... DO ALSO (INSERT ...; INSERT ...)` stays whole) and `BEGIN ATOMIC ... END` bodies.
 *
 * DSQL runs one DDL statement per transaction (dsql-facts §2), and a multi-statement string sent
 * in one query runs as one implicit transaction, so files must be split client-side.
 */

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
const IDENT_START = /[A-Za-z_\u0080-\uffff]/;
const IDENT_CHAR = /[A-Za-z0-9_$\u0080-\uffff]/;

export function splitStatements(sql: string): SplitResult {
  const lineStarts = [0];
  for (let i = 0; i < sql.length; i++) {
    if (sql[i] === '\n') lineStarts.push(i + 1);
  }
  const position = (offset: number): { line: number; column: number } => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - lineStarts[lo] + 1 };
  };
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
      let j = sql.indexOf('\n', i);
      if (j < 0) j = n;
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
      const prev = sql[i - 1];
      const escapes = (prev === 'E' || prev === 'e') && !IDENT_CHAR.test(sql[i - 2] ?? ' ');
      const j = scanQuoted(sql, i, "'", escapes);
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
        const close = sql.indexOf(tag, i + tag.length);
        if (close < 0) fail(`unterminated dollar-quoted string ${tag}`, i);
        token(i, close + tag.length);
        i = close + tag.length;
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

/** Returns the offset just past a (nested) block comment opened at `from`, or -1 when it never closes. */
export function scanBlockComment(sql: string, from: number): number {
  let depth = 1;
  let j = from + 2;
  while (j < sql.length && depth > 0) {
    if (sql[j] === '/' && sql[j + 1] === '*') {
      depth++;
      j += 2;
    } else if (sql[j] === '*' && sql[j + 1] === '/') {
      depth--;
      j += 2;
    } else {
      j++;
    }
  }
  return depth > 0 ? -1 : j;
}

/** Returns the offset just past the closing quote, or -1 when the quote never closes. */
export function scanQuoted(sql: string, from: number, quote: string, backslashEscapes: boolean): number {
  let j = from + 1;
  while (j < sql.length) {
    const ch = sql[j];
    if (backslashEscapes && ch === '\\') {
      j += 2;
      continue;
    }
    if (ch === quote) {
      if (sql[j + 1] === quote) {
        j += 2;
        continue;
      }
      return j + 1;
    }
    j++;
  }
  return -1;
}

/** A dollar-quote opening tag (`$$` or `$tag$`) at `i`, or undefined (`$1` parameters are not tags). */
function dollarTagAt(sql: string, i: number): string | undefined {
  if (IDENT_CHAR.test(sql[i - 1] ?? ' ') && sql[i - 1] !== '$') return undefined;
  const m = /^\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(sql.slice(i, i + 80));
  return m ? m[0] : undefined;
}
