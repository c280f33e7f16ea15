/** Helpers the rule checks share: edits, names, column sites and ALTER TABLE rewrites. */
import {
  AlterAction, AlterTable, ColumnDefinition, FileView, qualifiedNameValue, StatementView, TextEdit, TokenRange, wordsAt,
} from '../syntax';
import { Token } from '../tokenize';

export const NOTE_ASYNC_INDEX = 'the index is built by a background job: queries cannot use it (and a UNIQUE index does not enforce) until the job completes; the runner waits for it';
export const NOTE_VALIDATE = 'existing rows are checked by a background validation job; until it completes the constraint is NOT VALID and only checks new writes';

/** Removes tokens `[from, to)` of a statement together with the whitespace before them. */
export function removeTokens(s: StatementView, from: number, to: number): TextEdit {
  const start = from > 0 ? s.after(from - 1) : s.at(from);
  return { start, end: s.after(to - 1), text: '' };
}

export function replaceTokens(s: StatementView, from: number, to: number, text: string): TextEdit {
  return { start: s.at(from), end: s.after(to - 1), text };
}

export function insertAt(offset: number, text: string): TextEdit {
  return { start: offset, end: offset, text };
}

/** An identifier as SQL: bare when PostgreSQL would fold it to itself, quoted otherwise. */
export function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** A generated constraint or index name, within PostgreSQL's 63-byte identifier limit. */
export function generatedName(...parts: string[]): string {
  return quoteIdent(parts.join('_').slice(0, 63));
}

export function lastNamePart(s: StatementView, range: TokenRange): string {
  return qualifiedNameValue(s.tokens, range).split('.').pop() ?? '';
}

/** Upper-cased words of a token range (punctuation as written). */
export function textOf(tokens: ReadonlyArray<Token>, range: TokenRange): string[] {
  const out: string[] = [];
  for (let i = range.start; i < range.end; i++) out.push(tokens[i].upper);
  return out;
}

export interface ColumnSite {
  readonly column: ColumnDefinition;
  /** Set for ALTER TABLE ... ADD COLUMN. */
  readonly action?: AlterAction;
}

/** Every column definition of a statement: CREATE TABLE elements and ALTER TABLE ADD COLUMN. */
export function columnSites(s: StatementView): ColumnSite[] {
  const sites: ColumnSite[] = [];
  const ct = s.createTable;
  if (ct) for (const column of ct.columns) sites.push({ column });
  const at = s.alterTable;
  if (at) for (const action of at.actions) if (action.kind === 'add-column' && action.column) sites.push({ column: action.column, action });
  return sites;
}

export function typeWords(s: StatementView, column: ColumnDefinition): string[] {
  return textOf(s.tokens, column.type);
}

export const BIGINT_NAMES = ['BIGINT', 'INT8'];

export function isBigint(words: string[]): boolean {
  const w = words[0] === 'PG_CATALOG' && words[1] === '.' ? words.slice(2) : words;
  return w.length === 1 && BIGINT_NAMES.includes(w[0]);
}

/**
 * Rewrites an ALTER TABLE statement whose action(s) need more than an in-place edit: every action
 * becomes its own statement (DSQL wants one change per ALTER TABLE, docs/dsql-facts.md §1.3), and each
 * action in `replacements` becomes the statements given (none = dropped).
 */
export function rewriteAlter(s: StatementView, file: FileView, alter: AlterTable, replacements: Map<AlterAction, string[]>): TextEdit {
  const prefix = alterPrefix(s, alter);
  const statements: string[] = [];
  for (const action of alter.actions) {
    const replacement = replacements.get(action);
    if (replacement) statements.push(...replacement);
    else statements.push(`${prefix} ${s.slice(action)}`);
  }
  if (statements.length === 0) return file.remove(s);
  return file.replace(s, statements.join(';\n'));
}

/** `ALTER TABLE [ASYNC] [IF EXISTS] [ONLY] name` as written. */
export function alterPrefix(s: StatementView, alter: AlterTable): string {
  return s.text.slice(0, s.tokens[alter.name.end - 1].end);
}

export function validateStatement(s: StatementView, alter: AlterTable, constraintName: string): string {
  return `ALTER TABLE ASYNC ${s.slice(alter.name)} VALIDATE CONSTRAINT ${constraintName}`;
}

/** True when a range contains `NOT VALID` at its own depth. */
export function hasNotValid(tokens: ReadonlyArray<Token>, range: TokenRange): boolean {
  for (let i = range.start; i < range.end - 1; i++) if (wordsAt(tokens, i, 'NOT', 'VALID')) return true;
  return false;
}

export function alterColumnSub(s: StatementView, action: AlterAction): string[] {
  if (action.kind !== 'alter-column' || action.subAction === undefined) return [];
  return textOf(s.tokens, { start: action.subAction, end: Math.min(action.end, action.subAction + 3) });
}

const SERIAL_TYPES = ['SERIAL', 'SERIAL4', 'SERIAL2', 'SERIAL8', 'BIGSERIAL', 'SMALLSERIAL'];
export function isSerial(words: string[]): boolean {
  return words.length === 1 && SERIAL_TYPES.includes(words[0]);
}
