/**
 * The lexical pieces of SQL text that every reader of SQL in this project shares (the splitter,
 * the statement classifier and the checks built on it, the lint tokenizer): whitespace, comments,
 * quotes and dollar quotes, read as PostgreSQL reads them. Block comments nest
 * (`/* a /* b *\/ c *\/` is one comment), which a regular expression cannot follow.
 */

/** PostgreSQL's whitespace: space, tab, newline, carriage return, form feed, vertical tab. */
const WHITESPACE = ' \t\n\r\f\v';
/** Characters that start and continue an unquoted identifier or keyword (any non-ASCII letter too). */
export const IDENT_START = /[A-Za-z_\u0080-\uffff]/;
export const IDENT_CHAR = /[A-Za-z0-9_$\u0080-\uffff]/;

/** Returns the offset of the `\n` that ends a `--` comment opened at `from`, or the end of the text. */
export function lineCommentEnd(sql: string, from: number): number {
  const j = sql.indexOf('\n', from);
  return j < 0 ? sql.length : j;
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

/**
 * The offset of the first character from `from` on that is neither whitespace nor part of a
 * comment. A block comment that never closes runs to the end of the text.
 */
export function skipTrivia(sql: string, from: number): number {
  let i = from;
  while (i < sql.length) {
    const c = sql[i];
    if (WHITESPACE.includes(c)) {
      i++;
    } else if (c === '-' && sql[i + 1] === '-') {
      i = lineCommentEnd(sql, i);
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = scanBlockComment(sql, i);
      i = end < 0 ? sql.length : end;
    } else {
      break;
    }
  }
  return i;
}

/** The text without the whitespace and comments before its first token. */
export function stripLeadingTrivia(text: string): string {
  return text.slice(skipTrivia(text, 0));
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

/** Whether the `'` at `i` opens an `E'...'` string, where backslashes escape (the prefix is a word of its own). */
export function isEscapeString(sql: string, i: number): boolean {
  const prev = sql[i - 1];
  return (prev === 'E' || prev === 'e') && !IDENT_CHAR.test(sql[i - 2] ?? ' ');
}

/** A dollar-quote opening tag (`$$` or `$tag$`) at `i`, or undefined (`$1` parameters are not tags). */
export function dollarTagAt(sql: string, i: number): string | undefined {
  if (IDENT_CHAR.test(sql[i - 1] ?? ' ') && sql[i - 1] !== '$') return undefined;
  const m = /^\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(sql.slice(i, i + 80));
  return m ? m[0] : undefined;
}

/** Returns the offset just past the dollar quote that `tag` opens at `from`, or -1 when it never closes. */
export function scanDollarQuoted(sql: string, from: number, tag: string): number {
  const close = sql.indexOf(tag, from + tag.length);
  return close < 0 ? -1 : close + tag.length;
}

/**
 * The `[start, end)` offsets of every comment, leaving strings, quoted identifiers and dollar
 * quotes whole (a `--` inside a string is not a comment). Unterminated quotes and comments run to
 * the end of the text.
 */
export function commentRanges(sql: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if ((c === '-' && sql[i + 1] === '-') || (c === '/' && sql[i + 1] === '*')) {
      const end = c === '-' ? lineCommentEnd(sql, i) : scanBlockComment(sql, i);
      const stop = end < 0 ? sql.length : end;
      ranges.push([i, stop]);
      i = stop;
    } else if (c === "'" || c === '"') {
      const end = scanQuoted(sql, i, c, c === "'" && isEscapeString(sql, i));
      i = end < 0 ? sql.length : end;
    } else if (c === '$' && dollarTagAt(sql, i) !== undefined) {
      const end = scanDollarQuoted(sql, i, dollarTagAt(sql, i)!);
      i = end < 0 ? sql.length : end;
    } else {
      i++;
    }
  }
  return ranges;
}

/** The text with every comment replaced by one space (see `commentRanges`). */
export function blankComments(sql: string): string {
  let out = '';
  let at = 0; // start of the text not yet copied
  for (const [start, end] of commentRanges(sql)) {
    out += `${sql.slice(at, start)} `;
    at = end;
  }
  return out + sql.slice(at);
}
