import { dollarTagAt, IDENT_CHAR, IDENT_START, scanDollarQuoted, scanQuoted, skipTrivia } from '../engine';

/**
 * A lightweight SQL token stream for the lint rules: enough to find keywords, identifiers and
 * bracket nesting outside strings and comments, without a full PostgreSQL grammar.
 */

export type TokenType =
  /** An unquoted identifier or keyword. */
  | 'word'
  /** A double-quoted identifier. */
  | 'quoted'
  /** A string constant: '...', E'...', U&'...', B'...', X'...' or a dollar-quoted body. */
  | 'string'
  | 'number'
  /** A positional parameter such as `$1`. */
  | 'param'
  /** Brackets, comma, semicolon, dot and operators. */
  | 'punct';

export interface Token {
  readonly type: TokenType;
  /** The token as written. */
  readonly text: string;
  /** Upper-cased text for words, the text itself otherwise. */
  readonly upper: string;
  /** Offsets into the tokenized text: `text === source.slice(start, end)`. */
  readonly start: number;
  readonly end: number;
  /** Bracket depth of the token, counting `(` and `[`; a bracket has the depth outside it. */
  readonly depth: number;
}

const OPERATOR_CHAR = /[+\-*/<>=~!@#%^&|`?:]/;

/** Tokenizes SQL text, skipping whitespace and comments. Unterminated quotes run to the end. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let depth = 0;
  let i = 0;
  const n = sql.length;
  const push = (type: TokenType, start: number, end: number) => {
    const text = sql.slice(start, end);
    let tokenDepth = depth;
    if (text === '(' || text === '[') depth++;
    else if (text === ')' || text === ']') tokenDepth = depth = Math.max(0, depth - 1);
    tokens.push({ type, text, upper: type === 'word' ? text.toUpperCase() : text, start, end, depth: tokenDepth });
  };

  while (i < n) {
    const afterTrivia = skipTrivia(sql, i);
    if (afterTrivia > i) {
      i = afterTrivia;
      continue;
    }
    const c = sql[i];
    const next = sql[i + 1];
    if (c === "'") {
      const j = endOfQuoted(sql, i, "'", false);
      push('string', i, j);
      i = j;
    } else if (c === '"') {
      const j = endOfQuoted(sql, i, '"', false);
      push('quoted', i, j);
      i = j;
    } else if (c === '$' && /[0-9]/.test(next ?? '')) {
      let j = i + 1;
      while (j < n && /[0-9]/.test(sql[j])) j++;
      push('param', i, j);
      i = j;
    } else if (c === '$') {
      const tag = dollarTagAt(sql, i);
      if (tag !== undefined) {
        const close = scanDollarQuoted(sql, i, tag);
        const j = close < 0 ? n : close;
        push('string', i, j);
        i = j;
      } else {
        push('punct', i, i + 1);
        i++;
      }
    } else if (IDENT_START.test(c)) {
      // String prefixes: E'...' (escapes), B'...', X'...', N'...', U&'...'.
      if (next === "'" && /[EeBbXxNn]/.test(c)) {
        const j = endOfQuoted(sql, i + 1, "'", c === 'E' || c === 'e');
        push('string', i, j);
        i = j;
        continue;
      }
      if ((c === 'U' || c === 'u') && next === '&' && (sql[i + 2] === "'" || sql[i + 2] === '"')) {
        const quote = sql[i + 2];
        const j = endOfQuoted(sql, i + 2, quote, false);
        push(quote === "'" ? 'string' : 'quoted', i, j);
        i = j;
        continue;
      }
      let j = i + 1;
      while (j < n && IDENT_CHAR.test(sql[j])) j++;
      push('word', i, j);
      i = j;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(next ?? ''))) {
      const m = /^(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?(?:[eE][+-]?[0-9]+)?/.exec(sql.slice(i));
      const j = i + Math.max(1, m ? m[0].length : 1);
      push('number', i, j);
      i = j;
    } else if (OPERATOR_CHAR.test(c)) {
      let j = i + 1;
      while (j < n && OPERATOR_CHAR.test(sql[j]) && !(sql[j] === '-' && sql[j + 1] === '-') && !(sql[j] === '/' && sql[j + 1] === '*')) j++;
      push('punct', i, j);
      i = j;
    } else {
      push('punct', i, i + 1);
      i++;
    }
  }
  return tokens;
}

/** Offset just past the closing quote (doubled quotes are escapes), or the end of the text. */
function endOfQuoted(sql: string, openAt: number, quote: string, backslashEscapes: boolean): number {
  const end = scanQuoted(sql, openAt, quote, backslashEscapes);
  return end < 0 ? sql.length : end;
}

/** The value of an identifier token: unquoted words fold to lower case, quoted ones keep theirs. */
export function identifierValue(token: Token): string {
  if (token.type === 'quoted') return token.text.slice(1, -1).replace(/""/g, '"');
  return token.text.toLowerCase();
}

/** Token texts joined by single spaces, upper-casing words: a layout- and case-blind form of SQL. */
export function canonicalSql(sql: string): string {
  return tokenize(sql).map((t) => t.upper).join(' ');
}
