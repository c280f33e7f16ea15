/**
 * Just enough structure over a statement's tokens for the lint rules: the parts of CREATE TABLE,
 * ALTER TABLE, CREATE INDEX and CREATE SEQUENCE that DSQL restricts. Anything not recognised is
 * left alone, so an unusual statement yields no finding rather than a wrong one.
 */
import { identifierValue, Token, tokenize } from './tokenize';
import { classifyStatement, lineIndex, skipTrivia, SplitResult, SqlStatement, StatementKind, TextPosition } from '../engine';

/** A half-open range of token indices. */
export interface TokenRange {
  readonly start: number;
  readonly end: number;
}

export function isWord(token: Token | undefined, ...words: string[]): boolean {
  return token !== undefined && token.type === 'word' && (words.length === 0 || words.includes(token.upper));
}

/** True when the words at `index` are `words`, in order. */
export function wordsAt(tokens: ReadonlyArray<Token>, index: number, ...words: string[]): boolean {
  return words.every((w, k) => isWord(tokens[index + k], w));
}

/** Index of the `)` closing the `(` at `open`, or the last index when it never closes. */
export function closingParen(tokens: ReadonlyArray<Token>, open: number): number {
  const depth = tokens[open].depth;
  for (let i = open + 1; i < tokens.length; i++) {
    if (tokens[i].text === ')' && tokens[i].depth === depth) return i;
  }
  return tokens.length - 1;
}

/** Splits a token range at commas that sit at the range's own bracket depth. */
export function splitAtCommas(tokens: ReadonlyArray<Token>, range: TokenRange): TokenRange[] {
  const parts: TokenRange[] = [];
  if (range.start >= range.end) return parts;
  const depth = minDepth(tokens, range);
  let from = range.start;
  for (let i = range.start; i < range.end; i++) {
    if (tokens[i].text === ',' && tokens[i].depth === depth) {
      parts.push({ start: from, end: i });
      from = i + 1;
    }
  }
  parts.push({ start: from, end: range.end });
  return parts.filter((p) => p.end > p.start);
}

function minDepth(tokens: ReadonlyArray<Token>, range: TokenRange): number {
  let d = Infinity;
  for (let i = range.start; i < range.end; i++) d = Math.min(d, tokens[i].depth);
  return d;
}

/** Index just past a possibly schema-qualified name (`a`, `a.b`, `"A".b`) starting at `index`. */
export function endOfQualifiedName(tokens: ReadonlyArray<Token>, index: number): number {
  let i = index;
  if (!isIdentifier(tokens[i])) return i;
  i++;
  while (tokens[i]?.text === '.' && isIdentifier(tokens[i + 1])) i += 2;
  return i;
}

export function isIdentifier(token: Token | undefined): boolean {
  return token !== undefined && (token.type === 'word' || token.type === 'quoted');
}

/** The comparable form of a qualified name: identifiers folded as PostgreSQL folds them. */
export function qualifiedNameValue(tokens: ReadonlyArray<Token>, range: TokenRange): string {
  const parts: string[] = [];
  for (let i = range.start; i < range.end; i++) if (isIdentifier(tokens[i])) parts.push(identifierValue(tokens[i]));
  return parts.join('.');
}

// ---------------------------------------------------------------------------------------------
// Column definitions and their constraints (CREATE TABLE elements and ALTER TABLE ADD COLUMN)

export type ColumnConstraintKind =
  | 'not-null' | 'null' | 'default' | 'check' | 'unique' | 'primary-key' | 'references'
  | 'identity' | 'generated-stored' | 'collate' | 'storage' | 'compression' | 'other';

export interface ColumnConstraint extends TokenRange {
  readonly kind: ColumnConstraintKind;
  /** Index of the keyword that names the kind (after an optional `CONSTRAINT name`). */
  readonly keyword: number;
  /** Index of the constraint's name after CONSTRAINT, if it has one. */
  readonly name?: number;
}

export interface ColumnDefinition extends TokenRange {
  readonly name: number;
  readonly type: TokenRange;
  readonly constraints: ColumnConstraint[];
}

const CONSTRAINT_KEYWORDS: Record<string, ColumnConstraintKind> = {
  NOT: 'not-null',
  NULL: 'null',
  DEFAULT: 'default',
  CHECK: 'check',
  UNIQUE: 'unique',
  PRIMARY: 'primary-key',
  REFERENCES: 'references',
  GENERATED: 'identity',
  COLLATE: 'collate',
  STORAGE: 'storage',
  COMPRESSION: 'compression',
};

/** Parses `name type [constraints]` in `range`; undefined when the range does not look like one. */
export function parseColumnDefinition(tokens: ReadonlyArray<Token>, range: TokenRange): ColumnDefinition | undefined {
  const name = range.start;
  if (!isIdentifier(tokens[name]) || name + 1 >= range.end) return undefined;
  const depth = tokens[name].depth;
  let i = name + 1;
  while (i < range.end && !(tokens[i].depth === depth && startsConstraint(tokens, i))) i++;
  const type = { start: name + 1, end: i };
  if (type.end === type.start) return undefined;
  return { start: range.start, end: range.end, name, type, constraints: parseColumnConstraints(tokens, { start: i, end: range.end }) };
}

function startsConstraint(tokens: ReadonlyArray<Token>, i: number): boolean {
  const t = tokens[i];
  if (t.type !== 'word') return false;
  if (t.upper === 'CONSTRAINT') return true;
  if (t.upper === 'NOT') return isWord(tokens[i + 1], 'NULL');
  return t.upper in CONSTRAINT_KEYWORDS;
}

/** Splits the constraint part of a column definition into its constraints. */
export function parseColumnConstraints(tokens: ReadonlyArray<Token>, range: TokenRange): ColumnConstraint[] {
  const result: ColumnConstraint[] = [];
  if (range.start >= range.end) return result;
  const depth = tokens[range.start].depth;
  let current: { start: number; keyword: number; name?: number; kind: ColumnConstraintKind } | undefined;
  const close = (end: number) => {
    if (current) result.push({ start: current.start, end, keyword: current.keyword, name: current.name, kind: current.kind });
    current = undefined;
  };
  for (let i = range.start; i < range.end; i++) {
    const t = tokens[i];
    if (t.depth !== depth || t.type !== 'word') continue;
    const prev = tokens[i - 1];
    const awaitingBody = current !== undefined && current.keyword === current.start && isWord(tokens[current.start], 'CONSTRAINT');
    if (t.upper === 'CONSTRAINT') {
      close(i);
      current = { start: i, keyword: i, name: i + 1, kind: 'other' };
      i++;
      continue;
    }
    if (!startsConstraint(tokens, i)) continue;
    // `DEFAULT NULL`, `SET NULL`, `SET DEFAULT`, `BY DEFAULT`, `STORAGE DEFAULT`: part of the current constraint.
    if ((t.upper === 'NULL' || t.upper === 'DEFAULT') && i - 1 >= range.start && isWord(prev, 'DEFAULT', 'SET', 'BY', 'STORAGE', 'COMPRESSION')) continue;
    if (awaitingBody && current) {
      current.keyword = i;
      current.kind = kindAt(tokens, i);
      if (t.upper === 'NOT') i++;
      continue;
    }
    close(i);
    current = { start: i, keyword: i, kind: kindAt(tokens, i) };
    if (t.upper === 'NOT') i++;
  }
  close(range.end);
  return result;
}

function kindAt(tokens: ReadonlyArray<Token>, i: number): ColumnConstraintKind {
  const kind = CONSTRAINT_KEYWORDS[tokens[i].upper] ?? 'other';
  if (kind !== 'identity') return kind;
  // GENERATED ALWAYS AS (expr) STORED is a generated column; GENERATED ... AS IDENTITY an identity.
  for (let j = i + 1; j < i + 5 && j < tokens.length; j++) if (isWord(tokens[j], 'IDENTITY')) return 'identity';
  return 'generated-stored';
}

export const TABLE_CONSTRAINT_WORDS = ['CONSTRAINT', 'PRIMARY', 'UNIQUE', 'CHECK', 'FOREIGN', 'EXCLUDE'];

// ---------------------------------------------------------------------------------------------
// CREATE TABLE

export interface CreateTable {
  /** Words between CREATE and TABLE (TEMP, TEMPORARY, GLOBAL, LOCAL, UNLOGGED). */
  readonly modifiers: number[];
  readonly tableWord: number;
  readonly ifNotExists: boolean;
  readonly name: TokenRange;
  /** The `(` and `)` of the element list, when there is one. */
  readonly open?: number;
  readonly close?: number;
  readonly columns: ColumnDefinition[];
  /** Table constraints and LIKE clauses in the element list. */
  readonly otherElements: TokenRange[];
  /** First token after the element list (or after the name when there is none). */
  readonly tail: number;
}

export function parseCreateTable(tokens: ReadonlyArray<Token>): CreateTable | undefined {
  if (!isWord(tokens[0], 'CREATE')) return undefined;
  let i = 1;
  if (wordsAt(tokens, 1, 'OR', 'REPLACE')) i = 3;
  const modifiers: number[] = [];
  while (isWord(tokens[i], 'TEMP', 'TEMPORARY', 'GLOBAL', 'LOCAL', 'UNLOGGED')) modifiers.push(i++);
  if (!isWord(tokens[i], 'TABLE')) return undefined;
  const tableWord = i++;
  let ifNotExists = false;
  if (wordsAt(tokens, i, 'IF', 'NOT', 'EXISTS')) {
    ifNotExists = true;
    i += 3;
  }
  const name = { start: i, end: endOfQualifiedName(tokens, i) };
  i = name.end;
  const columns: ColumnDefinition[] = [];
  const otherElements: TokenRange[] = [];
  if (tokens[i]?.text !== '(') return { modifiers, tableWord, ifNotExists, name, columns, otherElements, tail: i };
  const open = i;
  const close = closingParen(tokens, open);
  for (const element of splitAtCommas(tokens, { start: open + 1, end: close })) {
    const first = tokens[element.start];
    if (isWord(first, ...TABLE_CONSTRAINT_WORDS, 'LIKE')) {
      otherElements.push(element);
      continue;
    }
    const column = parseColumnDefinition(tokens, element);
    if (column) columns.push(column);
    else otherElements.push(element);
  }
  return { modifiers, tableWord, ifNotExists, name, open, close, columns, otherElements, tail: close + 1 };
}

// ---------------------------------------------------------------------------------------------
// ALTER TABLE

export type AlterActionKind =
  | 'add-column' | 'add-constraint' | 'drop-column' | 'drop-constraint' | 'alter-column' | 'alter-constraint'
  | 'validate-constraint' | 'rename' | 'owner' | 'set-schema' | 'other';

export interface AlterAction extends TokenRange {
  readonly kind: AlterActionKind;
  /** For add-column: the column definition. */
  readonly column?: ColumnDefinition;
  /** For add-column / drop-column / drop-constraint: whether IF [NOT] EXISTS is present. */
  readonly conditional?: boolean;
  /** For add-column: the index of the word before which `IF NOT EXISTS` would go. */
  readonly conditionAt?: number;
  /** For add-constraint: where the constraint body starts (PRIMARY, UNIQUE, CHECK, FOREIGN, ...). */
  readonly body?: number;
  /** For add-constraint: the constraint's name token, if named. */
  readonly constraintName?: number;
  /** For alter-column: the column name token and the first word of the sub-action. */
  readonly columnName?: number;
  readonly subAction?: number;
}

export interface AlterTable {
  /** Index of ASYNC after ALTER TABLE, if present. */
  readonly async?: number;
  readonly name: TokenRange;
  readonly actions: AlterAction[];
}

export function parseAlterTable(tokens: ReadonlyArray<Token>): AlterTable | undefined {
  if (!wordsAt(tokens, 0, 'ALTER', 'TABLE')) return undefined;
  let i = 2;
  let async: number | undefined;
  if (isWord(tokens[i], 'ASYNC')) async = i++;
  if (wordsAt(tokens, i, 'IF', 'EXISTS')) i += 2;
  if (isWord(tokens[i], 'ONLY')) i++;
  if (isWord(tokens[i], 'ALL') && wordsAt(tokens, i + 1, 'IN')) return undefined;
  const name = { start: i, end: endOfQualifiedName(tokens, i) };
  i = name.end;
  if (tokens[i]?.text === '*') i++;
  const actions = splitAtCommas(tokens, { start: i, end: tokens.length }).map((r) => parseAlterAction(tokens, r));
  return { async, name, actions };
}

function parseAlterAction(tokens: ReadonlyArray<Token>, range: TokenRange): AlterAction {
  const at = (k: number) => tokens[range.start + k];
  const first = at(0);
  if (isWord(first, 'ADD')) {
    let i = range.start + 1;
    const explicitColumn = isWord(tokens[i], 'COLUMN');
    if (!explicitColumn && isWord(tokens[i], ...TABLE_CONSTRAINT_WORDS)) {
      let constraintName: number | undefined;
      let body = i;
      if (isWord(tokens[i], 'CONSTRAINT')) {
        constraintName = i + 1;
        body = i + 2;
      }
      return { ...range, kind: 'add-constraint', body, constraintName };
    }
    if (explicitColumn) i++;
    const conditionAt = i;
    let conditional = false;
    if (wordsAt(tokens, i, 'IF', 'NOT', 'EXISTS')) {
      conditional = true;
      i += 3;
    }
    const column = parseColumnDefinition(tokens, { start: i, end: range.end });
    return { ...range, kind: 'add-column', column, conditional, conditionAt };
  }
  if (isWord(first, 'DROP')) {
    if (isWord(at(1), 'CONSTRAINT')) return { ...range, kind: 'drop-constraint', conditional: wordsAt(tokens, range.start + 2, 'IF', 'EXISTS') };
    const i = range.start + (isWord(at(1), 'COLUMN') ? 2 : 1);
    return { ...range, kind: 'drop-column', conditional: wordsAt(tokens, i, 'IF', 'EXISTS'), conditionAt: i };
  }
  if (isWord(first, 'ALTER')) {
    if (isWord(at(1), 'CONSTRAINT')) return { ...range, kind: 'alter-constraint' };
    const columnName = range.start + (isWord(at(1), 'COLUMN') ? 2 : 1);
    return { ...range, kind: 'alter-column', columnName, subAction: columnName + 1 };
  }
  if (isWord(first, 'VALIDATE')) return { ...range, kind: 'validate-constraint' };
  if (isWord(first, 'RENAME')) return { ...range, kind: 'rename' };
  if (isWord(first, 'OWNER')) return { ...range, kind: 'owner' };
  if (isWord(first, 'SET') && isWord(at(1), 'SCHEMA')) return { ...range, kind: 'set-schema' };
  return { ...range, kind: 'other' };
}

// ---------------------------------------------------------------------------------------------
// CREATE INDEX

export interface CreateIndex {
  readonly unique: boolean;
  readonly indexWord: number;
  /** Index of ASYNC or CONCURRENTLY after INDEX. */
  readonly async?: number;
  readonly concurrently?: number;
  readonly ifNotExists: boolean;
  /** The index name token, when the statement names the index. */
  readonly name?: number;
  readonly onWord: number;
  readonly table: TokenRange;
  /** `USING method` anywhere at the top level: the USING word and the method token. */
  readonly using?: number;
  readonly open?: number;
  readonly close?: number;
  readonly elements: TokenRange[];
}

export function parseCreateIndex(tokens: ReadonlyArray<Token>): CreateIndex | undefined {
  if (!isWord(tokens[0], 'CREATE')) return undefined;
  let i = 1;
  const unique = isWord(tokens[i], 'UNIQUE');
  if (unique) i++;
  if (!isWord(tokens[i], 'INDEX')) return undefined;
  const indexWord = i++;
  let async: number | undefined;
  let concurrently: number | undefined;
  for (;;) {
    if (isWord(tokens[i], 'ASYNC')) async = i++;
    else if (isWord(tokens[i], 'CONCURRENTLY')) concurrently = i++;
    else break;
  }
  let ifNotExists = false;
  if (wordsAt(tokens, i, 'IF', 'NOT', 'EXISTS')) {
    ifNotExists = true;
    i += 3;
  }
  let name: number | undefined;
  if (!isWord(tokens[i], 'ON') && isIdentifier(tokens[i])) name = i++;
  if (!isWord(tokens[i], 'ON')) return undefined;
  const onWord = i++;
  if (isWord(tokens[i], 'ONLY')) i++;
  const table = { start: i, end: endOfQualifiedName(tokens, i) };
  let using: number | undefined;
  let open: number | undefined;
  let close: number | undefined;
  for (let j = table.end; j < tokens.length; j++) {
    if (tokens[j].depth !== 0) continue;
    if (isWord(tokens[j], 'USING') && using === undefined) {using = j;} else if (tokens[j].text === '(' && open === undefined) {
      open = j;
      close = closingParen(tokens, j);
      j = close;
    } else if (isWord(tokens[j], 'WHERE', 'INCLUDE', 'WITH', 'TABLESPACE', 'NULLS')) {break;}
  }
  const elements = open !== undefined && close !== undefined ? splitAtCommas(tokens, { start: open + 1, end: close }) : [];
  return { unique, indexWord, async, concurrently, ifNotExists, name, onWord, table, using, open, close, elements };
}

// ---------------------------------------------------------------------------------------------
// Sequence options: `CACHE n`, `AS type` in CREATE/ALTER SEQUENCE and identity option lists

export interface SequenceOptions {
  /** The CACHE word and its value, when present. */
  readonly cache?: { readonly word: number; readonly valueStart: number; readonly valueEnd: number; readonly value: number | undefined };
  /** The AS word and the type range, when present. */
  readonly as?: { readonly word: number; readonly type: TokenRange };
}

export function parseSequenceOptions(tokens: ReadonlyArray<Token>, range: TokenRange): SequenceOptions {
  let cache: SequenceOptions['cache'];
  let as: SequenceOptions['as'];
  for (let i = range.start; i < range.end; i++) {
    if (isWord(tokens[i], 'CACHE')) {
      let j = i + 1;
      let sign = 1;
      if (tokens[j]?.text === '-' || tokens[j]?.text === '+') {
        if (tokens[j].text === '-') sign = -1;
        j++;
      }
      const numberToken = tokens[j]?.type === 'number' ? tokens[j] : undefined;
      const value = numberToken ? sign * Number(numberToken.text.replace(/_/g, '')) : undefined;
      cache = { word: i, valueStart: i + 1, valueEnd: numberToken ? j + 1 : i + 1, value };
    } else if (isWord(tokens[i], 'AS') && isWord(tokens[i + 1])) {
      let end = i + 2;
      if (wordsAt(tokens, i + 1, 'DOUBLE', 'PRECISION')) end = i + 3;
      as = { word: i, type: { start: i + 1, end } };
    }
  }
  return { cache, as };
}

/** DSQL accepts CACHE 1 or CACHE >= 65536 and nothing else (docs/dsql-facts.md §1.5). */
export function isValidCache(value: number | undefined): boolean {
  return value !== undefined && (value === 1 || value >= 65536);
}

// ---------------------------------------------------------------------------------------------

/**
 * A statement with its tokens and, on demand, its parsed shape. Tokens cost some 25 times the
 * statement's size, so the lint drops those of data statements once their checks ran (`release`):
 * a seed file is mostly INSERTs. A released statement tokenizes again on each use; the rules look
 * back only at DDL statements' tokens, which stay.
 */
export class StatementView {
  private cached: Token[] | undefined;
  private released = false;
  private parsed: Map<string, unknown> | undefined;
  private statementKind: StatementKind | undefined;

  constructor(readonly statement: SqlStatement, readonly index: number) {}

  get kind(): StatementKind {
    this.statementKind ??= kindOf(this.tokens, this.statement.text);
    return this.statementKind;
  }

  get tokens(): Token[] {
    if (this.cached) return this.cached;
    const tokens = tokenize(this.statement.text);
    if (!this.released) this.cached = tokens;
    return tokens;
  }

  /** Drops the tokens and parsed shapes of a statement that is not DDL. */
  release(): void {
    if (this.kind === 'ddl') return;
    this.released = true;
    this.cached = undefined;
    this.parsed = undefined;
  }

  get text(): string {
    return this.statement.text;
  }

  /** File offset of the statement's first character. */
  get offset(): number {
    return this.statement.offset;
  }

  /** File offset of a token. */
  at(tokenIndex: number): number {
    const t = this.tokens[Math.min(tokenIndex, this.tokens.length - 1)];
    return this.statement.offset + (t ? t.start : 0);
  }

  /** File offset just past a token. */
  after(tokenIndex: number): number {
    const t = this.tokens[Math.min(tokenIndex, this.tokens.length - 1)];
    return this.statement.offset + (t ? t.end : 0);
  }

  /** Source text of a token range. */
  slice(range: TokenRange): string {
    if (range.end <= range.start) return '';
    return this.text.slice(this.tokens[range.start].start, this.tokens[range.end - 1].end);
  }

  /** Upper-cased leading words, up to the first token that is not a word. */
  head(count: number): string[] {
    const words: string[] = [];
    for (const t of this.tokens) {
      if (t.type !== 'word' || words.length >= count) break;
      words.push(t.upper);
    }
    return words;
  }

  get createTable(): CreateTable | undefined {
    return this.memo('createTable', () => parseCreateTable(this.tokens));
  }

  get alterTable(): AlterTable | undefined {
    return this.memo('alterTable', () => parseAlterTable(this.tokens));
  }

  get createIndex(): CreateIndex | undefined {
    return this.memo('createIndex', () => parseCreateIndex(this.tokens));
  }

  private memo<T>(key: string, compute: () => T): T {
    if (this.released) return compute();
    this.parsed ??= new Map();
    if (!this.parsed.has(key)) this.parsed.set(key, compute());
    return this.parsed.get(key) as T;
  }
}

function kindOf(tokens: ReadonlyArray<Token>, text: string): StatementKind {
  // ROLLBACK TO SAVEPOINT does not end the transaction.
  return tokens.length > 0 && isWord(tokens[0], 'ROLLBACK') && isWord(tokens[1], 'TO') ? 'other' : classifyStatement(text);
}

/** A replacement of `[start, end)` of a file by `text`; `start === end` inserts. */
export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** A file's statements and the offsets a fix needs to edit them. */
export class FileView {
  readonly statements: StatementView[];
  /** 1-based line and column of a file offset. */
  readonly position: (offset: number) => TextPosition;

  constructor(readonly fileName: string, readonly sql: string, readonly split: SplitResult) {
    this.statements = split.statements.map((s, i) => new StatementView(s, i));
    this.position = lineIndex(sql);
  }

  /** Offset of the `;` that ends a statement, if it has one (drizzle breakpoints and EOF end without). */
  terminator(s: StatementView): number | undefined {
    const i = skipTrivia(this.sql, s.statement.end);
    return this.sql[i] === ';' ? i : undefined;
  }

  /** Replaces a statement's text (its terminator stays). */
  replace(s: StatementView, text: string): TextEdit {
    return { start: s.offset, end: s.statement.end, text };
  }

  /** Deletes a statement with its terminator, and its line when nothing else is left on it. */
  remove(s: StatementView): TextEdit {
    const terminator = this.terminator(s);
    let start = s.offset;
    let end = terminator === undefined ? s.statement.end : terminator + 1;
    while (start > 0 && (this.sql[start - 1] === ' ' || this.sql[start - 1] === '\t')) start--;
    let j = end;
    while (j < this.sql.length && (this.sql[j] === ' ' || this.sql[j] === '\t' || this.sql[j] === '\r')) j++;
    if ((start === 0 || this.sql[start - 1] === '\n') && (j === this.sql.length || this.sql[j] === '\n')) {
      end = j < this.sql.length ? j + 1 : j;
    }
    return { start, end, text: '' };
  }

  /** Inserts statements after a statement, each on a line of its own. */
  insertAfter(s: StatementView, statements: string[]): TextEdit {
    const terminator = this.terminator(s);
    const at = terminator === undefined ? s.statement.end : terminator + 1;
    const text = (terminator === undefined ? ';' : '') + statements.map((x) => `\n${x};`).join('');
    return { start: at, end: at, text };
  }
}
