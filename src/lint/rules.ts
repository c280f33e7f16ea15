/**
 * One check per rule of the catalogue. A check returns findings; a finding that `fixSql` can
 * rewrite carries its edits, so "fixable" in a diagnostic is exactly "a fix exists here".
 * Section numbers (§) refer to ../shared/docs/dsql-facts.md.
 */
import {
  AlterAction, AlterTable, closingParen, ColumnConstraint, ColumnDefinition, FileView, isIdentifier, isValidCache,
  isWord, parseSequenceOptions, qualifiedNameValue, StatementView, TextEdit, TokenRange, wordsAt,
} from './syntax';
import { identifierValue, Token } from './tokenize';

export interface Fix {
  readonly edits: TextEdit[];
  /** True when the rewritten SQL behaves differently (not only spelled differently) from the original. */
  readonly changesBehaviour: boolean;
  /** What the fix does, in one line. */
  readonly description: string;
  /** What the author should know about the result; empty when nothing. */
  readonly note: string;
}

export interface Finding {
  readonly ruleId: string;
  /** File offset the diagnostic points at. */
  readonly offset: number;
  /** The statement the finding belongs to (for suppressions); set by the engine for statement checks. */
  readonly statementIndex?: number;
  /** A message specific to this occurrence; the catalogue message when absent. */
  readonly message?: string;
  readonly fix?: Fix;
}

export type StatementCheck = (s: StatementView, file: FileView) => Finding[];
export type FileCheck = (file: FileView) => Finding[];

// ---------------------------------------------------------------------------------------------
// Shared helpers

const NOTE_ASYNC_INDEX = 'the index is built by a background job: queries cannot use it (and a UNIQUE index does not enforce) until the job completes; the runner waits for it';
const NOTE_VALIDATE = 'existing rows are checked by a background validation job; until it completes the constraint is NOT VALID and only checks new writes';

function finding(ruleId: string, s: StatementView, tokenIndex: number, message?: string, fix?: Fix): Finding {
  return { ruleId, offset: s.at(tokenIndex), statementIndex: s.index, message, fix };
}

/** Removes tokens `[from, to)` of a statement together with the whitespace before them. */
function removeTokens(s: StatementView, from: number, to: number): TextEdit {
  const start = from > 0 ? s.after(from - 1) : s.at(from);
  return { start, end: s.after(to - 1), text: '' };
}

function replaceTokens(s: StatementView, from: number, to: number, text: string): TextEdit {
  return { start: s.at(from), end: s.after(to - 1), text };
}

function insertAt(offset: number, text: string): TextEdit {
  return { start: offset, end: offset, text };
}

/** An identifier as SQL: bare when PostgreSQL would fold it to itself, quoted otherwise. */
function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** A generated constraint or index name, within PostgreSQL's 63-byte identifier limit. */
function generatedName(...parts: string[]): string {
  return quoteIdent(parts.join('_').slice(0, 63));
}

function lastNamePart(s: StatementView, range: TokenRange): string {
  return qualifiedNameValue(s.tokens, range).split('.').pop() ?? '';
}

/** Upper-cased words of a token range (punctuation as written). */
function textOf(tokens: ReadonlyArray<Token>, range: TokenRange): string[] {
  const out: string[] = [];
  for (let i = range.start; i < range.end; i++) out.push(tokens[i].upper);
  return out;
}

interface ColumnSite {
  readonly column: ColumnDefinition;
  /** Set for ALTER TABLE ... ADD COLUMN. */
  readonly action?: AlterAction;
}

/** Every column definition of a statement: CREATE TABLE elements and ALTER TABLE ADD COLUMN. */
function columnSites(s: StatementView): ColumnSite[] {
  const sites: ColumnSite[] = [];
  const ct = s.createTable;
  if (ct) for (const column of ct.columns) sites.push({ column });
  const at = s.alterTable;
  if (at) for (const action of at.actions) if (action.kind === 'add-column' && action.column) sites.push({ column: action.column, action });
  return sites;
}

function typeWords(s: StatementView, column: ColumnDefinition): string[] {
  return textOf(s.tokens, column.type);
}

const BIGINT_NAMES = ['BIGINT', 'INT8'];

function isBigint(words: string[]): boolean {
  const w = words[0] === 'PG_CATALOG' && words[1] === '.' ? words.slice(2) : words;
  return w.length === 1 && BIGINT_NAMES.includes(w[0]);
}

/**
 * Rewrites an ALTER TABLE statement whose action(s) need more than an in-place edit: every action
 * becomes its own statement (DSQL wants one change per ALTER TABLE, dsql-facts §1.3), and each
 * action in `replacements` becomes the statements given (none = dropped).
 */
function rewriteAlter(s: StatementView, file: FileView, alter: AlterTable, replacements: Map<AlterAction, string[]>): TextEdit {
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
function alterPrefix(s: StatementView, alter: AlterTable): string {
  return s.text.slice(0, s.tokens[alter.name.end - 1].end);
}

function validateStatement(s: StatementView, alter: AlterTable, constraintName: string): string {
  return `ALTER TABLE ASYNC ${s.slice(alter.name)} VALIDATE CONSTRAINT ${constraintName}`;
}

/** True when a range contains `NOT VALID` at its own depth. */
function hasNotValid(tokens: ReadonlyArray<Token>, range: TokenRange): boolean {
  for (let i = range.start; i < range.end - 1; i++) if (wordsAt(tokens, i, 'NOT', 'VALID')) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------
// Indexes (§1.6, §3)

const indexRequiresAsync: StatementCheck = (s) => {
  const ci = s.createIndex;
  if (!ci || ci.async !== undefined || ci.concurrently !== undefined) return [];
  return [finding('index-requires-async', s, ci.indexWord, 'CREATE INDEX without ASYNC: DSQL builds every index as a background job (CREATE INDEX ASYNC)', {
    edits: [insertAt(s.after(ci.indexWord), ' ASYNC')],
    changesBehaviour: true,
    description: 'CREATE INDEX → CREATE INDEX ASYNC',
    note: NOTE_ASYNC_INDEX,
  })];
};

const indexConcurrently: StatementCheck = (s) => {
  const ci = s.createIndex;
  if (!ci || ci.concurrently === undefined) return [];
  const edit = ci.async !== undefined ? removeTokens(s, ci.concurrently, ci.concurrently + 1) : replaceTokens(s, ci.concurrently, ci.concurrently + 1, 'ASYNC');
  return [finding('index-concurrently', s, ci.concurrently, 'CREATE INDEX CONCURRENTLY is PostgreSQL syntax: DSQL builds indexes in the background with CREATE INDEX ASYNC', {
    edits: [edit],
    changesBehaviour: true,
    description: 'CONCURRENTLY → ASYNC',
    note: NOTE_ASYNC_INDEX,
  })];
};

const indexUsingMethod: StatementCheck = (s) => {
  const ci = s.createIndex;
  if (!ci || ci.using === undefined) return [];
  const method = s.tokens[ci.using + 1];
  const methodName = method ? method.text : '';
  const isBtree = method !== undefined && identifierValue(method) === 'btree';
  return [finding('index-using-method', s, ci.using, `USING ${methodName}: DSQL indexes take no access method clause`, method ? {
    edits: [removeTokens(s, ci.using, ci.using + 2)],
    changesBehaviour: !isBtree,
    description: `removed USING ${methodName}`,
    note: isBtree ? '' : `DSQL builds its own index type, not a ${methodName} index: operators that only ${methodName} supports will not use it`,
  } : undefined)];
};

const indexSortOrder: StatementCheck = (s) => {
  const ci = s.createIndex;
  if (!ci || ci.open === undefined) return [];
  const depth = s.tokens[ci.open].depth + 1;
  const out: Finding[] = [];
  for (const element of ci.elements) {
    for (let i = element.start; i < element.end; i++) {
      if (s.tokens[i].depth === depth && isWord(s.tokens[i], 'ASC', 'DESC')) {
        const descending = s.tokens[i].upper === 'DESC';
        out.push(finding('index-sort-order', s, i, `${s.tokens[i].upper} in an index column list: DSQL indexes take no sort direction`, {
          edits: [removeTokens(s, i, i + 1)],
          changesBehaviour: descending,
          description: `removed ${s.tokens[i].upper}`,
          note: descending ? 'the index is built in ascending order; a scan in descending order may be slower' : '',
        }));
      }
    }
  }
  return out;
};

// ---------------------------------------------------------------------------------------------
// ALTER TABLE (§1.3)

const UNFIXABLE_IN_ADD_COLUMN = new Set(['primary-key', 'identity', 'generated-stored', 'other']);
const KIND_LABEL: Record<string, string> = {
  'not-null': 'NOT NULL',
  'null': 'NULL',
  'default': 'DEFAULT',
  'check': 'CHECK',
  'unique': 'UNIQUE',
  'primary-key': 'PRIMARY KEY',
  'references': 'REFERENCES',
  'identity': 'GENERATED ... AS IDENTITY',
  'generated-stored': 'GENERATED ... STORED',
  'other': 'a constraint',
};
const NOT_ADD_COLUMN_CONSTRAINTS = new Set(['collate', 'storage', 'compression']);

const addColumnConstraint: StatementCheck = (s, file) => {
  const alter = s.alterTable;
  if (!alter) return [];
  const out: Finding[] = [];
  for (const action of alter.actions) {
    const column = action.kind === 'add-column' ? action.column : undefined;
    if (!column) continue;
    const offending = column.constraints.filter((c) => !NOT_ADD_COLUMN_CONSTRAINTS.has(c.kind));
    if (offending.length === 0) continue;
    const labels = [...new Set(offending.map((c) => KIND_LABEL[c.kind]))].join(', ');
    const unfixable = offending.some((c) => UNFIXABLE_IN_ADD_COLUMN.has(c.kind)) || isSerial(typeWords(s, column));
    const why = offending.some((c) => c.kind === 'identity') ? ' (an identity column cannot be added to an existing table on DSQL: SET NOT NULL is not supported either)' : '';
    const message = `ADD COLUMN with ${labels}: DSQL's ADD COLUMN takes no DEFAULT, NOT NULL or constraint${why}`;
    out.push(finding('add-column-constraint', s, offending[0].keyword, message, unfixable ? undefined : splitAddColumn(s, file, alter, action, column, offending)));
  }
  return out;
};

function splitAddColumn(
  s: StatementView, file: FileView, alter: AlterTable, action: AlterAction, column: ColumnDefinition, offending: ColumnConstraint[],
): Fix {
  const prefix = alterPrefix(s, alter);
  const table = lastNamePart(s, alter.name);
  const columnText = s.tokens[column.name].text;
  const columnValue = identifierValue(s.tokens[column.name]);
  const kept = column.constraints.filter((c) => NOT_ADD_COLUMN_CONSTRAINTS.has(c.kind)).map((c) => ' ' + s.slice(c)).join('');
  const statements = [`${prefix} ADD COLUMN ${action.conditional ? 'IF NOT EXISTS ' : ''}${columnText} ${s.slice(column.type)}${kept}`];
  const notes: string[] = [];
  for (const c of offending) {
    const own = c.name !== undefined ? s.tokens[c.name].text : undefined;
    const body = { start: c.kind === 'not-null' ? c.keyword + 2 : c.keyword + 1, end: c.end };
    switch (c.kind) {
      case 'default':
        statements.push(`${prefix} ALTER COLUMN ${columnText} SET DEFAULT ${s.slice(body)}`);
        notes.push('rows that exist already get NULL, not the default: backfill them in a later migration (DML cannot share a transaction with DDL), in batches of at most 3,000 rows');
        break;
      case 'not-null': {
        const name = own ?? generatedName(table, columnValue, 'not_null');
        statements.push(`${prefix} ADD CONSTRAINT ${name} CHECK (${columnText} IS NOT NULL) NOT VALID`);
        notes.push(`NOT NULL becomes CHECK (${columnText} IS NOT NULL) NOT VALID: new writes are checked; after backfilling existing rows, run ALTER TABLE ASYNC ... VALIDATE CONSTRAINT ${name}`);
        break;
      }
      case 'check': {
        const name = own ?? generatedName(table, columnValue, 'check');
        statements.push(`${prefix} ADD CONSTRAINT ${name} CHECK ${s.slice(body)} NOT VALID`, validateStatement(s, alter, name));
        notes.push(NOTE_VALIDATE);
        break;
      }
      case 'references': {
        const name = own ?? generatedName(table, columnValue, 'fkey');
        statements.push(`${prefix} ADD CONSTRAINT ${name} FOREIGN KEY (${columnText}) ${s.slice({ start: c.keyword, end: c.end })} NOT VALID`, validateStatement(s, alter, name));
        notes.push(NOTE_VALIDATE);
        break;
      }
      case 'unique': {
        const name = own ?? generatedName(table, columnValue, 'key');
        const nulls = textOf(s.tokens, body).join(' ').includes('NULLS NOT DISTINCT') ? ' NULLS NOT DISTINCT' : '';
        statements.push(`CREATE UNIQUE INDEX ASYNC ${name} ON ${s.slice(alter.name)} (${columnText})${nulls}`);
        notes.push(`uniqueness is enforced by a unique index built in the background, not by a constraint; ${NOTE_ASYNC_INDEX}`);
        break;
      }
      default: // 'null' is the default anyway: dropped.
    }
  }
  return {
    edits: [rewriteAlter(s, file, alter, new Map([[action, statements]]))],
    changesBehaviour: offending.some((c) => c.kind !== 'null'),
    description: `split ADD COLUMN ${columnText} into ${statements.length} statements`,
    note: [...new Set(notes)].join('; '),
  };
}

function alterColumnSub(s: StatementView, action: AlterAction): string[] {
  if (action.kind !== 'alter-column' || action.subAction === undefined) return [];
  return textOf(s.tokens, { start: action.subAction, end: Math.min(action.end, action.subAction + 3) });
}

const alterColumnType: StatementCheck = (s) => {
  const alter = s.alterTable;
  if (!alter) return [];
  return alter.actions.filter((a) => {
    const sub = alterColumnSub(s, a);
    return sub[0] === 'TYPE' || (sub[0] === 'SET' && sub[1] === 'DATA' && sub[2] === 'TYPE');
  }).map((a) => finding('alter-column-type', s, a.subAction ?? a.start, `ALTER COLUMN ${s.tokens[a.columnName ?? a.start].text} TYPE is not supported on DSQL: add a new column, copy the data in batches, then drop the old column`));
};

const setNotNull: StatementCheck = (s) => {
  const alter = s.alterTable;
  if (!alter) return [];
  return alter.actions.filter((a) => {
    const sub = alterColumnSub(s, a);
    return sub[0] === 'SET' && sub[1] === 'NOT' && sub[2] === 'NULL';
  }).map((a) => finding('set-not-null', s, a.subAction ?? a.start, `ALTER COLUMN ${s.tokens[a.columnName ?? a.start].text} SET NOT NULL is not supported on DSQL: add CHECK (${s.tokens[a.columnName ?? a.start].text} IS NOT NULL) NOT VALID, then VALIDATE it`));
};

function constraintBody(s: StatementView, action: AlterAction): string | undefined {
  return action.kind === 'add-constraint' && action.body !== undefined ? s.tokens[action.body]?.upper : undefined;
}

/** A single-action ALTER TABLE ADD CONSTRAINT folded into the CREATE TABLE earlier in the same file. */
function foldIntoCreateTable(s: StatementView, file: FileView, alter: AlterTable, action: AlterAction): Fix | undefined {
  if (alter.actions.length !== 1) return undefined;
  const target = qualifiedNameValue(s.tokens, alter.name).replace(/^public\./, '');
  const body = constraintBody(s, action);
  for (let j = s.index - 1; j >= 0; j--) {
    const other = file.statements[j];
    // Once rows may exist, moving the constraint into CREATE TABLE would change what it checks.
    if (isWord(other.tokens[0], 'INSERT', 'UPDATE', 'DELETE', 'MERGE', 'COPY')) return undefined;
    const ct = other.createTable;
    if (!ct || ct.close === undefined || qualifiedNameValue(other.tokens, ct.name).replace(/^public\./, '') !== target) continue;
    const hasPrimaryKey = ct.columns.some((c) => c.constraints.some((k) => k.kind === 'primary-key'))
      || ct.otherElements.some((e) => textOf(other.tokens, e).includes('PRIMARY'));
    if (body === 'PRIMARY' && hasPrimaryKey) return undefined;
    const constraintText = s.slice({ start: action.start + 1, end: action.end });
    const { line } = file.position(other.offset);
    return {
      edits: [insertAt(other.after(ct.close - 1), `,\n  ${constraintText}`), file.remove(s)],
      changesBehaviour: false,
      description: `moved ${constraintText} into the CREATE TABLE on line ${line}`,
      note: '',
    };
  }
  return undefined;
}

const addPrimaryKey: StatementCheck = (s, file) => {
  const alter = s.alterTable;
  if (!alter) return [];
  return alter.actions.filter((a) => constraintBody(s, a) === 'PRIMARY').map((a) => {
    const usingIndex = textOf(s.tokens, a).join(' ').includes('USING INDEX');
    const message = `ADD PRIMARY KEY${usingIndex ? ' USING INDEX' : ''}: a DSQL primary key is fixed when the table is created and cannot be added later`;
    return finding('add-primary-key', s, a.body ?? a.start, message, usingIndex ? undefined : foldIntoCreateTable(s, file, alter, a));
  });
};

const addUniqueConstraint: StatementCheck = (s, file) => {
  const alter = s.alterTable;
  if (!alter) return [];
  return alter.actions.filter((a) => constraintBody(s, a) === 'UNIQUE').map((a) => {
    const words = textOf(s.tokens, a).join(' ');
    const usingIndex = words.includes('USING INDEX');
    const message = usingIndex
      ? 'ADD UNIQUE USING INDEX is not in DSQL\'s current ALTER TABLE grammar: the unique index alone enforces uniqueness'
      : 'ALTER TABLE ... ADD UNIQUE is not supported on DSQL: declare UNIQUE in CREATE TABLE, or create a unique index with CREATE UNIQUE INDEX ASYNC';
    let fix = usingIndex ? undefined : foldIntoCreateTable(s, file, alter, a);
    if (!fix && !usingIndex && a.body !== undefined) {
      const open = s.tokens.findIndex((t, i) => i > a.body! && t.text === '(');
      if (open > 0 && open < a.end) {
        const close = closingParen(s.tokens, open);
        const table = lastNamePart(s, alter.name);
        const columns = textOf(s.tokens, { start: open + 1, end: close }).filter((w) => w !== ',').map((w) => w.toLowerCase());
        const name = a.constraintName !== undefined ? s.tokens[a.constraintName].text : generatedName(table, ...columns, 'key');
        const rest = s.slice({ start: close + 1, end: a.end });
        const index = `CREATE UNIQUE INDEX ASYNC ${name} ON ${s.slice(alter.name)} ${s.slice({ start: open, end: close + 1 })}${rest ? ' ' + rest : ''}`;
        fix = {
          edits: [rewriteAlter(s, file, alter, new Map([[a, [index]]]))],
          changesBehaviour: true,
          description: 'ADD UNIQUE → CREATE UNIQUE INDEX ASYNC',
          note: `uniqueness is enforced by a unique index, not a constraint; ${NOTE_ASYNC_INDEX}, and fails if duplicates exist`,
        };
      }
    }
    return finding('add-unique-constraint', s, a.body ?? a.start, message, fix);
  });
};

const constraintNotValid: StatementCheck = (s, file) => {
  const alter = s.alterTable;
  if (!alter) return [];
  const out: Finding[] = [];
  for (const a of alter.actions) {
    const body = constraintBody(s, a);
    if ((body !== 'CHECK' && body !== 'FOREIGN') || a.body === undefined || hasNotValid(s.tokens, a)) continue;
    const kind = body === 'CHECK' ? 'CHECK' : 'FOREIGN KEY';
    const table = lastNamePart(s, alter.name);
    let name: string;
    if (a.constraintName !== undefined) {
      name = s.tokens[a.constraintName].text;
    } else if (body === 'FOREIGN') {
      const open = a.body + 2;
      const columns = s.tokens[open]?.text === '(' ? textOf(s.tokens, { start: open + 1, end: closingParen(s.tokens, open) }).filter((w) => w !== ',') : [];
      name = generatedName(table, ...columns.map((c) => c.toLowerCase()), 'fkey');
    } else {
      name = generatedName(table, 'check');
    }
    const newAction = `ADD CONSTRAINT ${name} ${s.slice({ start: a.body, end: a.end })} NOT VALID`;
    const statements = [`${alterPrefix(s, alter)} ${newAction}`, validateStatement(s, alter, name)];
    out.push(finding('constraint-not-valid', s, a.body, `ADD CONSTRAINT ... ${kind} without NOT VALID: DSQL adds ${kind === 'CHECK' ? 'check' : 'foreign key'} constraints to an existing table only as NOT VALID, then validates them with ALTER TABLE ASYNC ... VALIDATE CONSTRAINT`, {
      edits: [rewriteAlter(s, file, alter, new Map([[a, statements]]))],
      changesBehaviour: true,
      description: `ADD CONSTRAINT ${name} ... NOT VALID, then ALTER TABLE ASYNC ... VALIDATE CONSTRAINT ${name}`,
      note: NOTE_VALIDATE,
    }));
  }
  return out;
};

const validateConstraintAsync: StatementCheck = (s) => {
  const alter = s.alterTable;
  if (!alter || alter.async !== undefined) return [];
  const validate = alter.actions.find((a) => a.kind === 'validate-constraint');
  if (!validate) return [];
  return [finding('validate-constraint-async', s, validate.start, 'VALIDATE CONSTRAINT without ASYNC: DSQL validates constraints as a background job (ALTER TABLE ASYNC ... VALIDATE CONSTRAINT)', alter.actions.length === 1 ? {
    edits: [insertAt(s.after(1), ' ASYNC')],
    changesBehaviour: true,
    description: 'ALTER TABLE → ALTER TABLE ASYNC',
    note: 'validation runs as a background job; the runner waits for it',
  } : undefined)];
};

/** ALTER TABLE actions outside DSQL's grammar (§1.3) that no more specific rule covers. */
const alterTableUnsupportedAction: StatementCheck = (s, file) => {
  const alter = s.alterTable;
  if (!alter) return [];
  const out: Finding[] = [];
  for (const a of alter.actions) {
    const words = textOf(s.tokens, { start: a.start, end: Math.min(a.end, a.start + 5) });
    const w = words.join(' ');
    let label: string | undefined;
    let removable = false;
    if (a.kind === 'drop-constraint') {label = 'DROP CONSTRAINT';} else if (a.kind === 'add-constraint' && constraintBody(s, a) === 'EXCLUDE') {label = 'ADD EXCLUDE';} else if (a.kind === 'alter-column') {
      const sub = alterColumnSub(s, a).join(' ');
      if (sub.startsWith('SET COMPRESSION')) {
        label = 'ALTER COLUMN ... SET COMPRESSION';
        removable = true;
      }
    } else if (a.kind === 'other') {
      if (w.startsWith('REPLICA IDENTITY')) label = 'REPLICA IDENTITY';
      else if (/^(ENABLE|DISABLE)( ALWAYS| REPLICA)? RULE/.test(w)) label = w.replace(/ RULE.*/, ' RULE');
      else if (/^SET (LOGGED|UNLOGGED|WITHOUT|ACCESS)/.test(w) || w.startsWith('CLUSTER ON') || w === 'OF' || w.startsWith('OF ') || w.startsWith('NOT OF')) label = words.slice(0, 2).join(' ');
    }
    if (!label) continue;
    out.push(finding('alter-table-unsupported-action', s, a.start, `ALTER TABLE ... ${label} is not in DSQL's ALTER TABLE grammar`, removable ? {
      edits: [rewriteAlter(s, file, alter, new Map([[a, []]]))],
      changesBehaviour: false,
      description: `removed ${label}`,
      note: 'DSQL manages storage and compression itself',
    } : undefined));
  }
  return out;
};

// ---------------------------------------------------------------------------------------------
// Types (§1.5, §7)

const SERIAL_TYPES = ['SERIAL', 'SERIAL4', 'SERIAL2', 'SERIAL8', 'BIGSERIAL', 'SMALLSERIAL'];
function isSerial(words: string[]): boolean {
  return words.length === 1 && SERIAL_TYPES.includes(words[0]);
}

const serialType: StatementCheck = (s) => {
  const out: Finding[] = [];
  for (const { column, action } of columnSites(s)) {
    const words = typeWords(s, column);
    if (!isSerial(words)) continue;
    const declaresValue = column.constraints.some((c) => c.kind === 'default' || c.kind === 'identity' || c.kind === 'generated-stored');
    const message = action
      ? `${words[0]} in ADD COLUMN: DSQL has no SERIAL types, and ADD COLUMN cannot add an identity column`
      : `${words[0]} is not a DSQL type: use BIGINT GENERATED BY DEFAULT AS IDENTITY (CACHE 1 or >= 65536)`;
    out.push(finding('serial-type', s, column.type.start, message, action || declaresValue ? undefined : {
      edits: [replaceTokens(s, column.type.start, column.type.end, 'BIGINT'), insertAt(s.after(column.end - 1), ' GENERATED BY DEFAULT AS IDENTITY (CACHE 1)')],
      changesBehaviour: true,
      description: `${words[0]} → BIGINT GENERATED BY DEFAULT AS IDENTITY (CACHE 1)`,
      note: 'the column becomes BIGINT with an identity instead of a serial sequence; CACHE 1 hands out values in order, CACHE 65536 or more scales better but leaves gaps',
    }));
  }
  return out;
};

/** Identity option lists: column definitions, ALTER COLUMN ADD GENERATED, ALTER COLUMN SET CACHE. */
interface IdentitySite {
  /** The IDENTITY word, or the SET word of `SET CACHE n`. */
  readonly anchor: number;
  readonly options: TokenRange | undefined;
  readonly column?: ColumnDefinition;
}

function identitySites(s: StatementView): IdentitySite[] {
  const sites: IdentitySite[] = [];
  const fromIdentityWord = (identity: number, column?: ColumnDefinition) => {
    const open = identity + 1;
    const options = s.tokens[open]?.text === '(' ? { start: open + 1, end: closingParen(s.tokens, open) } : undefined;
    sites.push({ anchor: identity, options, column });
  };
  for (const { column } of columnSites(s)) {
    for (const c of column.constraints) {
      if (c.kind !== 'identity') continue;
      for (let i = c.keyword; i < c.end; i++) if (isWord(s.tokens[i], 'IDENTITY')) { fromIdentityWord(i, column); break; }
    }
  }
  const alter = s.alterTable;
  if (alter) {
    for (const a of alter.actions) {
      const sub = alterColumnSub(s, a);
      if (sub[0] === 'ADD' && sub[1] === 'GENERATED') {
        for (let i = a.subAction!; i < a.end; i++) if (isWord(s.tokens[i], 'IDENTITY')) { fromIdentityWord(i); break; }
      } else if (sub[0] === 'SET' && sub[1] === 'CACHE') {
        sites.push({ anchor: a.subAction!, options: { start: a.subAction! + 1, end: a.end } });
      }
    }
  }
  return sites;
}

const identityCache: StatementCheck = (s) => {
  const out: Finding[] = [];
  for (const site of identitySites(s)) {
    const cache = site.options ? parseSequenceOptions(s.tokens, site.options).cache : undefined;
    if (!cache) {
      let edit: TextEdit;
      if (!site.options) edit = insertAt(s.after(site.anchor), ' (CACHE 1)');
      else if (site.options.end > site.options.start) edit = insertAt(s.after(site.options.end - 1), ' CACHE 1');
      else edit = insertAt(s.after(site.options.start - 1), 'CACHE 1');
      out.push(finding('identity-cache', s, site.anchor, 'GENERATED ... AS IDENTITY without CACHE: DSQL requires an explicit CACHE 1 or CACHE >= 65536', {
        edits: [edit],
        changesBehaviour: false, // CACHE 1 is PostgreSQL's default: the same sequence
        description: 'added CACHE 1 to the identity',
        note: 'CACHE 1 hands out values in order; CACHE 65536 or more scales better but leaves gaps',
      }));
    } else if (!isValidCache(cache.value)) {
      const valueText = s.slice({ start: cache.valueStart, end: cache.valueEnd });
      out.push(finding('identity-cache', s, cache.word, `CACHE ${valueText}: DSQL accepts only CACHE 1 or CACHE >= 65536`, cache.valueEnd > cache.valueStart ? {
        edits: [replaceTokens(s, cache.valueStart, cache.valueEnd, '1')],
        changesBehaviour: true,
        description: `CACHE ${valueText} → CACHE 1`,
        note: 'values are no longer pre-allocated per session; use CACHE 65536 or more instead for throughput',
      } : undefined));
    }
  }
  return out;
};

const identityType: StatementCheck = (s) => {
  const out: Finding[] = [];
  for (const site of identitySites(s)) {
    if (!site.column) continue;
    const words = typeWords(s, site.column);
    if (isBigint(words) || isSerial(words)) continue;
    out.push(finding('identity-type', s, site.column.type.start, `identity column of type ${s.slice(site.column.type)}: DSQL identity columns must be BIGINT`, {
      edits: [replaceTokens(s, site.column.type.start, site.column.type.end, 'BIGINT')],
      changesBehaviour: true,
      description: `${s.slice(site.column.type)} → BIGINT`,
      note: 'the column widens to BIGINT',
    }));
  }
  return out;
};

/** CREATE/ALTER SEQUENCE: the option range after the name. */
function sequenceStatement(s: StatementView): { create: boolean; options: TokenRange } | undefined {
  let i: number;
  let create: boolean;
  if (isWord(s.tokens[0], 'CREATE')) {
    i = 1;
    while (isWord(s.tokens[i], 'TEMP', 'TEMPORARY', 'UNLOGGED')) i++;
    if (!isWord(s.tokens[i], 'SEQUENCE')) return undefined;
    create = true;
    i++;
    if (wordsAt(s.tokens, i, 'IF', 'NOT', 'EXISTS')) i += 3;
  } else if (wordsAt(s.tokens, 0, 'ALTER', 'SEQUENCE')) {
    create = false;
    i = 2;
    if (wordsAt(s.tokens, i, 'IF', 'EXISTS')) i += 2;
  } else {
    return undefined;
  }
  while (isIdentifier(s.tokens[i]) && s.tokens[i + 1]?.text === '.') i += 2;
  i++;
  return { create, options: { start: i, end: s.tokens.length } };
}

const sequenceCache: StatementCheck = (s) => {
  const seq = sequenceStatement(s);
  if (!seq) return [];
  const { cache } = parseSequenceOptions(s.tokens, seq.options);
  if (!cache) {
    if (!seq.create) return [];
    return [finding('sequence-cache', s, 0, 'CREATE SEQUENCE without CACHE: DSQL requires an explicit CACHE 1 or CACHE >= 65536', {
      edits: [insertAt(s.after(s.tokens.length - 1), ' CACHE 1')],
      changesBehaviour: false, // CACHE 1 is PostgreSQL's default
      description: 'added CACHE 1',
      note: 'CACHE 1 hands out values in order; CACHE 65536 or more scales better but leaves gaps',
    })];
  }
  if (isValidCache(cache.value)) return [];
  const valueText = s.slice({ start: cache.valueStart, end: cache.valueEnd });
  return [finding('sequence-cache', s, cache.word, `CACHE ${valueText}: DSQL accepts only CACHE 1 or CACHE >= 65536`, cache.valueEnd > cache.valueStart ? {
    edits: [replaceTokens(s, cache.valueStart, cache.valueEnd, '1')],
    changesBehaviour: true,
    description: `CACHE ${valueText} → CACHE 1`,
    note: 'values are no longer pre-allocated per session; use CACHE 65536 or more instead for throughput',
  } : undefined)];
};

const sequenceType: StatementCheck = (s) => {
  const seq = sequenceStatement(s);
  if (!seq) return [];
  const { as } = parseSequenceOptions(s.tokens, seq.options);
  if (!as || isBigint(textOf(s.tokens, as.type))) return [];
  return [finding('sequence-type', s, as.word, `sequence AS ${s.slice(as.type)}: DSQL sequences must be AS BIGINT`, {
    edits: [replaceTokens(s, as.type.start, as.type.end, 'BIGINT')],
    changesBehaviour: true,
    description: `AS ${s.slice(as.type)} → AS BIGINT`,
    note: 'the sequence\'s range widens to BIGINT',
  })];
};

function typeNameWords(words: string[]): string[] {
  return words[0] === 'PG_CATALOG' && words[1] === '.' ? words.slice(2) : words;
}

function isArrayType(words: string[]): boolean {
  return words.includes('[') || words.includes('ARRAY');
}

const jsonbColumn: StatementCheck = (s) => {
  const out: Finding[] = [];
  for (const { column } of columnSites(s)) {
    const words = typeNameWords(typeWords(s, column));
    if (words[0] !== 'JSONB' || isArrayType(words)) continue;
    out.push(finding('jsonb-column', s, column.type.start, 'JSONB column: DSQL has rejected JSONB as a column type (JSON is accepted, and ::jsonb casts work in queries); check that your cluster accepts it', {
      edits: [replaceTokens(s, column.type.start, column.type.end, 'JSON')],
      changesBehaviour: true,
      description: 'JSONB → JSON',
      note: 'JSON keeps the text as written (no key de-duplication or reordering); cast to ::jsonb in queries for jsonb operators',
    }));
  }
  return out;
};

const arrayColumn: StatementCheck = (s) => columnSites(s)
  .filter(({ column }) => isArrayType(typeWords(s, column)))
  .map(({ column }) => finding('array-column', s, column.type.start, `array column of type ${s.slice(column.type)}: DSQL rejects array types in columns; use a child table or a JSON column`));

const REJECTED_COLUMN_TYPES = ['INET'];
const unsupportedColumnType: StatementCheck = (s) => columnSites(s)
  .filter(({ column }) => REJECTED_COLUMN_TYPES.includes(typeNameWords(typeWords(s, column))[0]) && !isArrayType(typeWords(s, column)))
  .map(({ column }) => finding('unsupported-column-type', s, column.type.start, `${s.slice(column.type)} column: DSQL rejects this type; store it as TEXT`));

const createType: StatementCheck = (s) => {
  const head = s.head(4);
  if ((head[0] === 'CREATE' || head[0] === 'ALTER') && head[1] === 'TYPE') {
    return [finding('create-type', s, 1, `${head[0]} TYPE: DSQL does not support user-defined types (enums, composites); use a CHECK constraint, a lookup table or CREATE DOMAIN`)];
  }
  if (head[0] === 'DROP' && head[1] === 'TYPE' && !(head[2] === 'IF' && head[3] === 'EXISTS')) {
    return [finding('create-type', s, 1, 'DROP TYPE: DSQL has no user-defined types, so this always fails (DROP DOMAIN drops a domain)')];
  }
  return [];
};

// ---------------------------------------------------------------------------------------------
// Objects DSQL does not have (§1.1, §1.2)

const trigger: StatementCheck = (s) => {
  const head = s.head(6);
  let i = 1;
  if (head[1] === 'OR' && head[2] === 'REPLACE') i = 3;
  if (head[0] === 'CREATE' && (head[i] === 'TRIGGER' || (head[i] === 'CONSTRAINT' && head[i + 1] === 'TRIGGER') || (head[i] === 'EVENT' && head[i + 1] === 'TRIGGER'))) {
    return [finding('trigger', s, 0, 'CREATE TRIGGER: triggers are not supported on DSQL; do the work in the application or in the migration itself')];
  }
  if (head[0] === 'ALTER' && (head[1] === 'TRIGGER' || (head[1] === 'EVENT' && head[2] === 'TRIGGER'))) {
    return [finding('trigger', s, 0, 'ALTER TRIGGER: triggers do not exist on DSQL')];
  }
  if (head[0] === 'DROP' && (head[1] === 'TRIGGER' || (head[1] === 'EVENT' && head[2] === 'TRIGGER'))) {
    const k = head[1] === 'EVENT' ? 3 : 2;
    const ifExists = head[k] === 'IF' && head[k + 1] === 'EXISTS';
    const hasOn = head[1] === 'EVENT' || s.tokens.some((t) => t.depth === 0 && isWord(t, 'ON'));
    if (!ifExists || !hasOn) {
      return [finding('trigger', s, 0, hasOn
        ? 'DROP TRIGGER without IF EXISTS: triggers cannot exist on DSQL, so this always fails'
        : 'DROP TRIGGER needs ON table_name')];
    }
  }
  return [];
};

const UUID_OSSP_FUNCTIONS = ['UUID_GENERATE_V1', 'UUID_GENERATE_V1MC', 'UUID_GENERATE_V3', 'UUID_GENERATE_V4', 'UUID_GENERATE_V5'];

const extension: StatementCheck = (s) => {
  const head = s.head(3);
  const out: Finding[] = [];
  if ((head[0] === 'CREATE' || head[0] === 'ALTER') && head[1] === 'EXTENSION') {
    let i = 2;
    if (wordsAt(s.tokens, i, 'IF', 'NOT', 'EXISTS')) i += 3;
    const name = s.tokens[i] ? identifierValue(s.tokens[i]) : '';
    const uuid = name === 'pgcrypto' || name === 'uuid-ossp';
    out.push(finding('extension', s, 1, `${head[0]} EXTENSION ${name}: extensions are not supported on DSQL${uuid ? '; gen_random_uuid() is built in, so no extension is needed for UUIDs' : ''}`));
  } else if (head[0] === 'DROP' && head[1] === 'EXTENSION' && !wordsAt(s.tokens, 2, 'IF', 'EXISTS')) {
    out.push(finding('extension', s, 1, 'DROP EXTENSION: extensions do not exist on DSQL, so this always fails'));
  }
  s.tokens.forEach((t, i) => {
    if (t.type !== 'word' || !UUID_OSSP_FUNCTIONS.includes(t.upper) || s.tokens[i + 1]?.text !== '(') return;
    const v4 = t.upper === 'UUID_GENERATE_V4' && s.tokens[i + 2]?.text === ')';
    out.push(finding('extension', s, i, `${t.text}() comes from the uuid-ossp extension, which DSQL does not have: use gen_random_uuid()`, v4 ? {
      edits: [replaceTokens(s, i, i + 3, 'gen_random_uuid()')],
      changesBehaviour: false, // both produce random (version 4) UUIDs
      description: 'uuid_generate_v4() → gen_random_uuid()',
      note: '',
    } : undefined));
  });
  return out;
};

/** ON COMMIT {PRESERVE ROWS | DELETE ROWS | DROP} after a CREATE TABLE's element list. */
function onCommitClause(s: StatementView, from: number): TokenRange | undefined {
  for (let i = from; i < s.tokens.length; i++) {
    if (s.tokens[i].depth === 0 && wordsAt(s.tokens, i, 'ON', 'COMMIT')) {
      const end = isWord(s.tokens[i + 2], 'DROP') ? i + 3 : i + 4;
      return { start: i, end: Math.min(end, s.tokens.length) };
    }
  }
  return undefined;
}

const temporaryObject: StatementCheck = (s) => {
  if (!isWord(s.tokens[0], 'CREATE')) return [];
  let i = 1;
  if (wordsAt(s.tokens, 1, 'OR', 'REPLACE')) i = 3;
  const modifiers: number[] = [];
  while (isWord(s.tokens[i], 'GLOBAL', 'LOCAL', 'TEMP', 'TEMPORARY', 'UNLOGGED', 'RECURSIVE')) {
    if (!isWord(s.tokens[i], 'UNLOGGED', 'RECURSIVE')) modifiers.push(i);
    i++;
  }
  const objectWord = s.tokens[i]?.upper;
  if (!['TABLE', 'VIEW', 'SEQUENCE'].includes(objectWord ?? '')) return [];
  const onCommit = objectWord === 'TABLE' ? onCommitClause(s, s.createTable?.tail ?? i) : undefined;
  const temporary = modifiers.some((m) => isWord(s.tokens[m], 'TEMP', 'TEMPORARY'));
  if (!temporary && !onCommit) return [];
  const edits = [...modifiers.map((m) => removeTokens(s, m, m + 1))];
  if (onCommit) edits.push(removeTokens(s, onCommit.start, onCommit.end));
  const what = objectWord === 'VIEW' ? 'TEMPORARY VIEW' : objectWord === 'SEQUENCE' ? 'TEMPORARY SEQUENCE' : 'TEMPORARY table';
  const message = temporary
    ? `${what}: DSQL does not support temporary objects; create a regular ${objectWord!.toLowerCase()} and drop it when done`
    : 'ON COMMIT applies only to temporary tables, which DSQL does not support';
  return [finding('temporary-object', s, temporary ? modifiers[0] : onCommit!.start, message, {
    edits,
    changesBehaviour: temporary,
    description: temporary ? `CREATE ${objectWord === 'TABLE' ? 'TEMP TABLE' : 'TEMP ' + objectWord} → CREATE ${objectWord}` : 'removed ON COMMIT',
    note: temporary ? `the ${objectWord!.toLowerCase()} is permanent and visible to every session: drop it when the migration is done` : '',
  })];
};

const materializedView: StatementCheck = (s) => {
  const head = s.head(5);
  let i = 1;
  if (head[1] === 'OR' && head[2] === 'REPLACE') i = 3;
  const verb = head[0];
  if (!['CREATE', 'ALTER', 'DROP', 'REFRESH'].includes(verb) || head[i] !== 'MATERIALIZED' || head[i + 1] !== 'VIEW') return [];
  if (verb === 'DROP' && head[3] === 'IF' && head[4] === 'EXISTS') return [];
  return [finding('materialized-view', s, i, `${verb} MATERIALIZED VIEW: materialized views are not supported on DSQL (plain views are)`)];
};

const partition: StatementCheck = (s) => {
  const out: Finding[] = [];
  const ct = s.createTable;
  if (ct) {
    if (wordsAt(s.tokens, ct.name.end, 'PARTITION', 'OF')) {
      out.push(finding('partition', s, ct.name.end, 'CREATE TABLE ... PARTITION OF: partitioned tables are not supported on DSQL'));
    }
    for (let i = ct.tail; i < s.tokens.length; i++) {
      if (s.tokens[i].depth !== 0 || !wordsAt(s.tokens, i, 'PARTITION', 'BY')) continue;
      const open = s.tokens.findIndex((t, k) => k > i && t.text === '(');
      const end = open > 0 ? closingParen(s.tokens, open) + 1 : s.tokens.length;
      out.push(finding('partition', s, i, 'PARTITION BY: partitioned tables are not supported on DSQL; DSQL distributes storage itself', {
        edits: [removeTokens(s, i, end)],
        changesBehaviour: true,
        description: `removed ${s.slice({ start: i, end })}`,
        note: 'the table is a single, unpartitioned table: partition-level maintenance (detach, drop) is not available',
      }));
      break;
    }
  }
  const alter = s.alterTable;
  if (alter) {
    for (const a of alter.actions) {
      if (a.kind === 'other' && isWord(s.tokens[a.start], 'ATTACH', 'DETACH') && isWord(s.tokens[a.start + 1], 'PARTITION')) {
        out.push(finding('partition', s, a.start, `${s.tokens[a.start].upper} PARTITION: partitioned tables are not supported on DSQL`));
      }
    }
  }
  return out;
};

const inherits: StatementCheck = (s) => {
  const out: Finding[] = [];
  const ct = s.createTable;
  if (ct && ct.open !== undefined && ct.close !== undefined) {
    for (let i = ct.tail; i < s.tokens.length; i++) {
      if (s.tokens[i].depth !== 0 || !isWord(s.tokens[i], 'INHERITS') || s.tokens[i + 1]?.text !== '(') continue;
      const close = closingParen(s.tokens, i + 1);
      const parents = s.slice({ start: i + 2, end: close }).split(',').map((p) => p.trim()).filter((p) => p);
      const likes = parents.map((p) => `LIKE ${p}`).join(', ');
      const empty = ct.close === ct.open + 1;
      out.push(finding('inherits', s, i, 'INHERITS: table inheritance is not supported on DSQL', {
        edits: [insertAt(s.after(ct.open), empty ? likes : `${likes}, `), removeTokens(s, i, close + 1)],
        changesBehaviour: true,
        description: `INHERITS (${parents.join(', ')}) → ${likes}`,
        note: 'the parent\'s columns are copied into the new table, but rows are no longer shared with the parent and later parent changes do not propagate',
      }));
      break;
    }
  }
  const alter = s.alterTable;
  if (alter) {
    for (const a of alter.actions) {
      if (a.kind === 'other' && (isWord(s.tokens[a.start], 'INHERIT') || wordsAt(s.tokens, a.start, 'NO', 'INHERIT'))) {
        out.push(finding('inherits', s, a.start, `${isWord(s.tokens[a.start], 'NO') ? 'NO INHERIT' : 'INHERIT'}: table inheritance is not supported on DSQL`));
      }
    }
  }
  return out;
};

const createTableAs: StatementCheck = (s) => {
  const ct = s.createTable;
  if (!ct) return [];
  for (let i = ct.tail; i < s.tokens.length; i++) {
    if (s.tokens[i].depth === 0 && isWord(s.tokens[i], 'AS')) {
      return [finding('create-table-as', s, i, 'CREATE TABLE AS is not supported on DSQL: create the table, then fill it with INSERT ... SELECT (in batches of at most 3,000 rows)')];
    }
  }
  return [];
};

function isCCollation(s: StatementView, c: ColumnConstraint): boolean {
  const parts = textOf(s.tokens, { start: c.keyword + 1, end: c.end }).filter((w) => w !== '.');
  const name = s.tokens[c.end - 1] ? identifierValue(s.tokens[c.end - 1]).toLowerCase() : '';
  return (parts.length === 1 || (parts.length === 2 && parts[0] === 'PG_CATALOG')) && (name === 'c' || name === 'posix');
}

const collate: StatementCheck = (s) => {
  const out: Finding[] = [];
  for (const { column } of columnSites(s)) {
    for (const c of column.constraints) {
      if (c.kind !== 'collate') continue;
      const collation = s.slice({ start: c.keyword + 1, end: c.end });
      const isC = isCCollation(s, c);
      out.push(finding('collate', s, c.keyword, `COLLATE ${collation}: DSQL supports no COLLATE clause in CREATE TABLE and uses only the C collation`, {
        edits: [removeTokens(s, c.start, c.end)],
        changesBehaviour: !isC,
        description: `removed COLLATE ${collation}`,
        note: isC ? '' : `text in ${s.tokens[column.name].text} sorts and compares in the C collation (byte order), not ${collation}`,
      }));
    }
  }
  return out;
};

const createDatabase: StatementCheck = (s) => {
  const head = s.head(2);
  if (!['CREATE', 'ALTER', 'DROP'].includes(head[0]) || head[1] !== 'DATABASE') return [];
  return [finding('create-database', s, 1, `${head[0]} DATABASE: a DSQL cluster has exactly one database, postgres, which cannot be created, altered or dropped`)];
};

const tablespace: StatementCheck = (s) => {
  const head = s.head(2);
  if (['CREATE', 'ALTER', 'DROP'].includes(head[0]) && head[1] === 'TABLESPACE') {
    return [finding('tablespace', s, 1, `${head[0]} TABLESPACE: DSQL has no tablespaces; it manages storage itself`)];
  }
  const out: Finding[] = [];
  const from = s.createTable?.tail ?? (s.createIndex?.close !== undefined ? s.createIndex.close + 1 : undefined);
  if (from !== undefined) {
    for (let i = from; i < s.tokens.length - 1; i++) {
      if (s.tokens[i].depth === 0 && isWord(s.tokens[i], 'TABLESPACE') && !isWord(s.tokens[i - 1], 'INDEX')) {
        out.push(finding('tablespace', s, i, `TABLESPACE ${s.tokens[i + 1].text}: DSQL has no tablespaces; it manages storage itself`, {
          edits: [removeTokens(s, i, i + 2)],
          changesBehaviour: true,
          description: `removed TABLESPACE ${s.tokens[i + 1].text}`,
          note: 'the object is stored in DSQL\'s managed storage',
        }));
      }
    }
  }
  for (const a of s.alterTable?.actions ?? []) {
    if (a.kind === 'other' && wordsAt(s.tokens, a.start, 'SET', 'TABLESPACE')) {
      out.push(finding('tablespace', s, a.start, 'SET TABLESPACE: DSQL has no tablespaces; it manages storage itself'));
    }
  }
  return out;
};

const storageParameters: StatementCheck = (s) => {
  const out: Finding[] = [];
  const ct = s.createTable;
  const ci = s.createIndex;
  const from = ct?.tail ?? (ci?.close !== undefined ? ci.close + 1 : undefined);
  if (from !== undefined) {
    for (let i = from; i < s.tokens.length; i++) {
      const t = s.tokens[i];
      if (t.depth !== 0) continue;
      if (ct && isWord(t, 'AS')) break; // CREATE TABLE AS ... WITH [NO] DATA is another rule's concern
      if (isWord(t, 'WITH') && s.tokens[i + 1]?.text === '(') {
        const end = closingParen(s.tokens, i + 1) + 1;
        out.push(finding('storage-parameters', s, i, `WITH ${s.slice({ start: i + 1, end })}: DSQL takes no storage parameters; it manages storage itself`, {
          edits: [removeTokens(s, i, end)],
          changesBehaviour: false,
          description: `removed WITH ${s.slice({ start: i + 1, end })}`,
          note: '',
        }));
      } else if (ct && wordsAt(s.tokens, i, 'WITHOUT', 'OIDS')) {
        out.push(finding('storage-parameters', s, i, 'WITHOUT OIDS: not a DSQL table option', {
          edits: [removeTokens(s, i, i + 2)], changesBehaviour: false, description: 'removed WITHOUT OIDS', note: '',
        }));
      }
    }
  }
  for (const a of s.alterTable?.actions ?? []) {
    if (a.kind === 'other' && isWord(s.tokens[a.start], 'SET', 'RESET') && s.tokens[a.start + 1]?.text === '(') {
      out.push(finding('storage-parameters', s, a.start, `${s.tokens[a.start].upper} (...): DSQL takes no table storage parameters`));
    }
  }
  return out;
};

function routineHead(s: StatementView): 'FUNCTION' | 'PROCEDURE' | undefined {
  const head = s.head(4);
  const word = head[1] === 'OR' && head[2] === 'REPLACE' ? head[3] : head[1];
  return head[0] === 'CREATE' && (word === 'FUNCTION' || word === 'PROCEDURE') ? word : undefined;
}

const nonSqlFunction: StatementCheck = (s) => {
  const routine = routineHead(s);
  if (!routine) return [];
  for (let i = 0; i < s.tokens.length - 1; i++) {
    if (s.tokens[i].depth !== 0 || !isWord(s.tokens[i], 'LANGUAGE')) continue;
    const lang = s.tokens[i + 1];
    const value = lang.type === 'string' ? lang.text.slice(1, -1).toLowerCase() : identifierValue(lang).toLowerCase();
    if (value === 'sql') return [];
    return [finding('non-sql-function', s, i, `${routine} in LANGUAGE ${value}: DSQL supports only LANGUAGE SQL functions`)];
  }
  return [];
};

const procedure: StatementCheck = (s) => routineHead(s) === 'PROCEDURE'
  ? [finding('procedure', s, 0, 'CREATE PROCEDURE is not in DSQL\'s supported SQL: write a LANGUAGE SQL function instead')]
  : [];

const doBlock: StatementCheck = (s) => isWord(s.tokens[0], 'DO')
  ? [finding('do-block', s, 0, 'DO block: anonymous code blocks run PL/pgSQL, which DSQL does not support; write plain SQL statements')]
  : [];

const rowLevelSecurity: StatementCheck = (s) => {
  const head = s.head(2);
  if (['CREATE', 'ALTER', 'DROP'].includes(head[0]) && head[1] === 'POLICY') {
    return [finding('row-level-security', s, 0, `${head[0]} POLICY: row-level security policies are not supported on DSQL`)];
  }
  const out: Finding[] = [];
  for (const a of s.alterTable?.actions ?? []) {
    const w = textOf(s.tokens, { start: a.start, end: Math.min(a.end, a.start + 5) }).join(' ');
    if (/^(ENABLE|DISABLE|FORCE|NO FORCE) ROW LEVEL SECURITY/.test(w)) {
      out.push(finding('row-level-security', s, a.start, `${w}: row-level security is not supported on DSQL`));
    }
  }
  return out;
};

// ---------------------------------------------------------------------------------------------
// Statements (§1.1, §1.2, §2, §4)

const truncate: StatementCheck = (s, file) => {
  if (!isWord(s.tokens[0], 'TRUNCATE')) return [];
  const words = textOf(s.tokens, { start: 1, end: s.tokens.length });
  const cascades = words.includes('CASCADE') || words.join(' ').includes('RESTART IDENTITY');
  let i = isWord(s.tokens[1], 'TABLE') ? 2 : 1;
  const end = s.tokens.findIndex((t, k) => k >= i && isWord(t, 'RESTART', 'CONTINUE', 'CASCADE', 'RESTRICT'));
  const tables = splitTablesList(s, { start: i, end: end < 0 ? s.tokens.length : end });
  const message = 'TRUNCATE is not supported on DSQL: delete the rows instead (at most 3,000 per transaction), or drop and re-create the table';
  if (cascades || tables.length === 0) return [finding('truncate', s, 0, message)];
  const statements = tables.map((t) => `DELETE FROM ${t}`);
  return [finding('truncate', s, 0, message, {
    edits: [file.replace(s, statements.join(';\n'))],
    changesBehaviour: true,
    description: `TRUNCATE → ${statements.join('; ')}`,
    note: 'DELETE runs in one transaction, which DSQL caps at 3,000 rows and 10 MiB: a larger table needs batched deletes, or DROP TABLE and CREATE TABLE',
  })];
};

function splitTablesList(s: StatementView, range: TokenRange): string[] {
  const out: string[] = [];
  let from = range.start;
  for (let i = range.start; i <= range.end; i++) {
    if (i === range.end || s.tokens[i].text === ',') {
      if (i > from) out.push(s.slice({ start: from, end: i }).replace(/\s*\*$/, ''));
      from = i + 1;
    }
  }
  return out;
}

const vacuum: StatementCheck = (s, file) => isWord(s.tokens[0], 'VACUUM')
  ? [finding('vacuum', s, 0, 'VACUUM is not supported on DSQL, which needs no vacuum', {
    edits: [file.remove(s)],
    changesBehaviour: false,
    description: 'removed VACUUM',
    note: 'DSQL reclaims space itself; use ANALYZE table_name to refresh statistics',
  })]
  : [];

const lockTable: StatementCheck = (s) => isWord(s.tokens[0], 'LOCK')
  ? [finding('lock-table', s, 0, 'LOCK TABLE is not supported on DSQL: it uses optimistic concurrency and has no blocking locks (conflicts fail at COMMIT with 40001)')]
  : [];

const savepoint: StatementCheck = (s) => {
  const head = s.head(4);
  let label: string | undefined;
  if (head[0] === 'SAVEPOINT') label = 'SAVEPOINT';
  else if (head[0] === 'RELEASE') label = 'RELEASE SAVEPOINT';
  else if ((head[0] === 'ROLLBACK' || head[0] === 'ABORT') && (head[1] === 'TO' || head[2] === 'TO')) label = 'ROLLBACK TO SAVEPOINT';
  return label ? [finding('savepoint', s, 0, `${label}: savepoints (nested transactions) are not supported on DSQL`)] : [];
};

const alterSystem: StatementCheck = (s) => wordsAt(s.tokens, 0, 'ALTER', 'SYSTEM')
  ? [finding('alter-system', s, 0, 'ALTER SYSTEM is not supported on DSQL: server settings are managed by the service')]
  : [];

/** `ISOLATION LEVEL x` in a statement: the level's token range. */
function isolationLevel(s: StatementView): TokenRange | undefined {
  for (let i = 0; i < s.tokens.length - 2; i++) {
    if (!wordsAt(s.tokens, i, 'ISOLATION', 'LEVEL')) continue;
    const start = i + 2;
    const end = isWord(s.tokens[start], 'REPEATABLE', 'READ') ? start + 2 : start + 1;
    return { start, end: Math.min(end, s.tokens.length) };
  }
  return undefined;
}

const isolationLevelRule: StatementCheck = (s) => {
  const head = s.head(5);
  const begins = head[0] === 'BEGIN' || (head[0] === 'START' && head[1] === 'TRANSACTION');
  const sets = head[0] === 'SET' && (head[1] === 'TRANSACTION' || head[2] === 'TRANSACTION' || head[1] === 'SESSION');
  if (!begins && !sets) return [];
  const level = isolationLevel(s);
  if (!level) return [];
  const levelText = textOf(s.tokens, level).join(' ');
  if (levelText === 'REPEATABLE READ') return [];
  if (sets) {
    return [finding('isolation-level', s, 0, `SET TRANSACTION ISOLATION LEVEL ${levelText}: DSQL runs every transaction at REPEATABLE READ (snapshot isolation); remove the statement`)];
  }
  return [finding('isolation-level', s, level.start, `isolation level ${levelText}: DSQL runs every transaction at REPEATABLE READ (snapshot isolation)`, {
    edits: [replaceTokens(s, level.start, level.end, 'REPEATABLE READ')],
    changesBehaviour: true,
    description: `ISOLATION LEVEL ${levelText} → REPEATABLE READ`,
    note: levelText === 'SERIALIZABLE'
      ? 'snapshot isolation allows write skew that SERIALIZABLE prevents: lock rows with SELECT ... FOR UPDATE where that matters'
      : 'the transaction sees one snapshot for its whole duration, and conflicting writes fail at COMMIT (40001)',
  })];
};

const ALTER_ROLE_ATTRIBUTES = ['PASSWORD', 'ENCRYPTED', 'VALID', 'SUPERUSER', 'NOSUPERUSER', 'CREATEROLE', 'NOCREATEROLE', 'CREATEDB', 'NOCREATEDB', 'REPLICATION', 'NOREPLICATION', 'BYPASSRLS', 'NOBYPASSRLS'];
const ALTER_FUNCTION_PROPERTIES = ['IMMUTABLE', 'STABLE', 'VOLATILE', 'STRICT', 'CALLED', 'RETURNS', 'LEAKPROOF', 'NOT', 'SECURITY', 'EXTERNAL', 'PARALLEL', 'COST', 'ROWS', 'SUPPORT', 'SET', 'RESET'];
const UNSUPPORTED_CREATE = ['SERVER', 'FOREIGN', 'USER MAPPING', 'RULE', 'AGGREGATE', 'OPERATOR', 'LANGUAGE', 'PUBLICATION', 'SUBSCRIPTION', 'COLLATION', 'CONVERSION', 'TEXT SEARCH', 'ACCESS METHOD', 'TRANSFORM'];

/** Statements outside DSQL's supported SQL (§1.2) that no specific rule covers. */
const unsupportedStatement: StatementCheck = (s) => {
  const head = s.head(4);
  const words = head.join(' ');
  const flag = (label: string, why = 'not supported on DSQL') => [finding('unsupported-statement', s, 0, `${label}: ${why}`)];
  if (head[0] === 'CREATE') {
    const rest = (head[1] === 'OR' && head[2] === 'REPLACE' ? head.slice(3) : head.slice(1)).join(' ');
    const hit = UNSUPPORTED_CREATE.find((w) => rest.startsWith(w));
    if (hit) return flag(`CREATE ${hit === 'FOREIGN' ? rest.split(' ').slice(0, 3).join(' ') : hit}`);
    if (head[1] === 'ROLE' || head[1] === 'USER') {
      if (s.tokens.some((t) => isWord(t, 'PASSWORD'))) return flag(`CREATE ${head[1]} ... PASSWORD`, 'DSQL authenticates with IAM tokens, not passwords');
    }
    return [];
  }
  if (head[0] === 'ALTER' && (head[1] === 'ROLE' || head[1] === 'USER')) {
    const found = [...new Set(s.tokens.slice(3).filter((t) => t.depth === 0 && isWord(t, ...ALTER_ROLE_ATTRIBUTES)).map((t) => (t.upper === 'VALID' ? 'VALID UNTIL' : t.upper)))];
    if (found.length > 0) return flag(`ALTER ${head[1]} ... ${found.join(', ')}`, 'DSQL roles authenticate with IAM and their attributes are managed by the service');
    if (s.tokens.slice(3).some((t) => t.depth === 0 && isWord(t, 'SET', 'IN'))) return flag(`ALTER ${head[1]} ... SET`, 'per-role settings are not supported on DSQL');
    return [];
  }
  if (head[0] === 'ALTER' && head[1] === 'FUNCTION') {
    const open = s.tokens.findIndex((t) => t.text === '(');
    const after = open >= 0 ? s.tokens[closingParen(s.tokens, open) + 1] : undefined;
    if (after && isWord(after, ...ALTER_FUNCTION_PROPERTIES) && !wordsAt(s.tokens, s.tokens.indexOf(after), 'SET', 'SCHEMA')) {
      return flag(`ALTER FUNCTION ... ${after.upper}`, 'changing function properties is not supported on DSQL; CREATE OR REPLACE the function instead');
    }
    return [];
  }
  if (head[0] === 'ALTER' && ['INDEX', 'AGGREGATE', 'SERVER', 'FOREIGN', 'RULE', 'OPERATOR', 'LANGUAGE', 'PUBLICATION', 'SUBSCRIPTION'].includes(head[1])) {
    return flag(`ALTER ${head[1]}`, head[1] === 'INDEX' ? 'not supported on DSQL: drop the index and create it again' : 'not supported on DSQL');
  }
  if (head[0] === 'DROP' && ['SERVER', 'RULE', 'AGGREGATE', 'OPERATOR', 'PUBLICATION', 'SUBSCRIPTION'].includes(head[1])) return flag(`DROP ${head[1]}`);
  if (head[0] === 'DECLARE') return flag('DECLARE ... CURSOR', 'cursors are not supported on DSQL');
  if (head[0] === 'COPY') {
    const direction = s.tokens.findIndex((t) => t.depth === 0 && isWord(t, 'FROM', 'TO'));
    const target = direction >= 0 ? s.tokens[direction + 1] : undefined;
    if (target && (target.type === 'string' || isWord(target, 'PROGRAM'))) return flag(`COPY ${s.tokens[direction].upper} a file or program`, 'DSQL supports only COPY FROM STDIN and COPY TO STDOUT');
    return [];
  }
  if (head[0] === 'DEALLOCATE') {
    return head[1] === 'ALL' || (head[1] === 'PREPARE' && head[2] === 'ALL') ? [] : flag('DEALLOCATE', 'prepared statements cannot be created with PREPARE on DSQL');
  }
  if (['LISTEN', 'UNLISTEN', 'NOTIFY', 'LOAD', 'DISCARD', 'PREPARE', 'CLUSTER', 'REINDEX', 'CHECKPOINT'].includes(head[0])) return flag(head[0]);
  if (words.startsWith('IMPORT FOREIGN SCHEMA')) return flag('IMPORT FOREIGN SCHEMA');
  if (words.startsWith('SECURITY LABEL')) return flag('SECURITY LABEL');
  return [];
};

const KNOWN_COMMANDS = new Set([
  'ABORT', 'ALTER', 'ANALYZE', 'ANALYSE', 'AWS', 'BEGIN', 'CALL', 'CHECKPOINT', 'CLOSE', 'CLUSTER', 'COMMENT', 'COMMIT', 'COPY',
  'CREATE', 'DEALLOCATE', 'DECLARE', 'DELETE', 'DISCARD', 'DO', 'DROP', 'END', 'EXECUTE', 'EXPLAIN', 'FETCH', 'GRANT', 'IMPORT',
  'INSERT', 'LISTEN', 'LOAD', 'LOCK', 'MERGE', 'MOVE', 'NOTIFY', 'PREPARE', 'REASSIGN', 'REFRESH', 'REINDEX', 'RELEASE', 'RESET',
  'REVOKE', 'ROLLBACK', 'SAVEPOINT', 'SECURITY', 'SELECT', 'SET', 'SHOW', 'START', 'TABLE', 'TRUNCATE', 'UNLISTEN', 'UPDATE',
  'VACUUM', 'VALUES', 'WITH',
]);

const unknownStatement: StatementCheck = (s) => {
  const first = s.tokens[0];
  if (!first || first.text === '(' || (first.type === 'word' && KNOWN_COMMANDS.has(first.upper))) return [];
  return [finding('unknown-statement', s, 0, `"${s.text.split(/\s+/)[0].slice(0, 40)}" does not start a SQL statement: check the spelling, or a missing semicolon before it`)];
};

// ---------------------------------------------------------------------------------------------
// Limits and re-runnability (§2, §9.1, §9.6)

const unboundedDml: StatementCheck = (s) => {
  const first = s.tokens[0];
  if (!isWord(first, 'UPDATE', 'DELETE')) return [];
  if (s.tokens.some((t) => t.depth === 0 && isWord(t, 'WHERE'))) return [];
  return [finding('unbounded-dml', s, 0, `${first.upper} without WHERE changes every row: a DSQL transaction may change at most 3,000 rows, so batch it for a large table`)];
};

const createWithoutIfNotExists: StatementCheck = (s) => {
  const out: Finding[] = [];
  const add = (at: number, what: string, insertBefore: number | undefined) => out.push(finding('create-without-if-not-exists', s, at,
    `${what} without IF NOT EXISTS: if the migration stops after this statement, running it again fails here`,
    insertBefore === undefined ? undefined : {
      edits: [insertAt(s.at(insertBefore), 'IF NOT EXISTS ')],
      changesBehaviour: false,
      description: `${what} → ${what} IF NOT EXISTS`,
      note: 'an existing object of that name is kept as it is, even if its definition differs',
    }));
  const ct = s.createTable;
  if (ct) {
    const temporary = ct.modifiers.some((m) => isWord(s.tokens[m], 'TEMP', 'TEMPORARY'));
    if (!ct.ifNotExists && !temporary && !isWord(s.tokens[1], 'OR')) add(0, 'CREATE TABLE', ct.name.start);
  }
  const ci = s.createIndex;
  if (ci && !ci.ifNotExists) add(0, 'CREATE INDEX', ci.name);
  const head = s.head(3);
  if (head[0] === 'CREATE' && (head[1] === 'SEQUENCE' || head[1] === 'SCHEMA') && !(head[2] === 'IF')) add(0, `CREATE ${head[1]}`, 2);
  for (const a of s.alterTable?.actions ?? []) {
    if (a.kind === 'add-column' && !a.conditional && a.conditionAt !== undefined) add(a.start, 'ADD COLUMN', a.conditionAt);
  }
  return out;
};

/** Object kinds a plain DROP ... IF EXISTS applies to; others have rules of their own. */
const DROP_KINDS = ['TABLE', 'INDEX', 'VIEW', 'SEQUENCE', 'SCHEMA', 'FUNCTION', 'DOMAIN', 'ROLE', 'USER', 'STATISTICS'];

const dropWithoutIfExists: StatementCheck = (s) => {
  const out: Finding[] = [];
  const add = (at: number, what: string, insertBefore: number) => out.push(finding('drop-without-if-exists', s, at,
    `${what} without IF EXISTS: if the migration stops after this statement, running it again fails here`, {
      edits: [insertAt(s.at(insertBefore), 'IF EXISTS ')],
      changesBehaviour: false,
      description: `${what} → ${what} IF EXISTS`,
      note: 'a missing object is no longer an error',
    }));
  if (isWord(s.tokens[0], 'DROP') && isWord(s.tokens[1], ...DROP_KINDS)) {
    let i = 2;
    if (isWord(s.tokens[1], 'INDEX') && isWord(s.tokens[2], 'CONCURRENTLY', 'ASYNC')) i = 3;
    if (!wordsAt(s.tokens, i, 'IF', 'EXISTS')) add(0, `DROP ${s.tokens[1].upper}`, i);
  }
  for (const a of s.alterTable?.actions ?? []) {
    if (a.kind === 'drop-column' && !a.conditional && a.conditionAt !== undefined) add(a.start, 'DROP COLUMN', a.conditionAt);
  }
  return out;
};

// ---------------------------------------------------------------------------------------------
// Transaction shape (§2): a file-level check over BEGIN ... COMMIT blocks

interface Block {
  readonly begin: StatementView;
  readonly members: StatementView[];
  readonly nestedBegins: StatementView[];
}

const transactionShape: FileCheck = (file) => {
  const out: Finding[] = [];
  const at = (ruleId: string, s: StatementView, message: string, fix?: Fix): Finding =>
    ({ ruleId, offset: s.offset, statementIndex: s.index, message, fix });
  let block: Block | undefined;
  for (const s of file.statements) {
    if (s.kind === 'begin') {
      if (block) {
        block.nestedBegins.push(s);
        out.push(at('transaction-block', s, 'BEGIN inside a transaction block that is still open'));
      } else {
        block = { begin: s, members: [], nestedBegins: [] };
      }
    } else if (s.kind === 'commit') {
      if (!block) out.push(at('transaction-block', s, 'COMMIT without BEGIN'));
      else out.push(...checkBlock(file, block, s, at));
      block = undefined;
    } else if (s.kind === 'rollback') {
      out.push(at('transaction-block', s, 'ROLLBACK in a migration file: a migration must not discard its own work'));
      block = undefined;
    } else if (block) {
      block.members.push(s);
    }
  }
  if (block) out.push(at('transaction-block', block.begin, 'BEGIN without COMMIT'));
  return out;
};

type Reporter = (ruleId: string, s: StatementView, message: string, fix?: Fix) => Finding;

function checkBlock(file: FileView, block: Block, commit: StatementView, at: Reporter): Finding[] {
  const ddl = block.members.filter((m) => m.kind === 'ddl');
  const dml = block.members.filter((m) => m.kind === 'dml');
  const out: Finding[] = [];
  if (ddl.length === 0 || (ddl.length === 1 && dml.length === 0)) return out;
  const fix = unwrapBlock(file, block, commit);
  if (ddl.length > 1) {
    out.push(at('multiple-ddl-in-transaction', ddl[1], `${ddl.length} DDL statements in one transaction: DSQL allows one DDL statement per transaction`, fix));
  }
  if (dml.length > 0) {
    const mixing = block.members.find((m, i) => (m.kind === 'ddl' || m.kind === 'dml') && block.members.slice(0, i).some((p) => (p.kind === 'ddl' || p.kind === 'dml') && p.kind !== m.kind))!;
    out.push(at('ddl-and-dml-in-transaction', mixing, 'DDL and DML in one transaction: DSQL does not allow both in a transaction', fix));
  }
  return out;
}

/**
 * Removes BEGIN/COMMIT around a block so each DDL statement runs in a transaction of its own (the
 * runner sends every statement outside a block on its own). Consecutive DML statements keep a
 * block of their own, so data changes that belong together still commit together.
 */
function unwrapBlock(file: FileView, block: Block, commit: StatementView): Fix {
  const edits: TextEdit[] = [file.remove(block.begin), ...block.nestedBegins.map((b) => file.remove(b)), file.remove(commit)];
  const beginText = block.begin.text;
  let run: StatementView[] = [];
  const flush = () => {
    if (run.length > 1) {
      edits.push(insertAt(run[0].offset, `${beginText};\n`));
      const last = run[run.length - 1];
      const terminator = file.terminator(last);
      edits.push(insertAt(terminator === undefined ? last.statement.end : terminator + 1, `${terminator === undefined ? ';' : ''}\nCOMMIT;`));
    }
    run = [];
  };
  for (const m of block.members) {
    if (m.kind === 'dml') run.push(m);
    else flush();
  }
  flush();
  return {
    edits,
    changesBehaviour: true,
    description: 'removed the BEGIN/COMMIT around the block so each DDL statement runs in its own transaction',
    note: 'the statements no longer commit or fail together: if one fails, the ones before it stay applied, so keep them re-runnable (IF [NOT] EXISTS)',
  };
}

// ---------------------------------------------------------------------------------------------

export const STATEMENT_CHECKS: ReadonlyArray<readonly [string, StatementCheck]> = [
  ['index-requires-async', indexRequiresAsync],
  ['index-concurrently', indexConcurrently],
  ['index-using-method', indexUsingMethod],
  ['index-sort-order', indexSortOrder],
  ['add-column-constraint', addColumnConstraint],
  ['alter-column-type', alterColumnType],
  ['set-not-null', setNotNull],
  ['add-primary-key', addPrimaryKey],
  ['add-unique-constraint', addUniqueConstraint],
  ['constraint-not-valid', constraintNotValid],
  ['validate-constraint-async', validateConstraintAsync],
  ['alter-table-unsupported-action', alterTableUnsupportedAction],
  ['serial-type', serialType],
  ['identity-cache', identityCache],
  ['identity-type', identityType],
  ['sequence-cache', sequenceCache],
  ['sequence-type', sequenceType],
  ['jsonb-column', jsonbColumn],
  ['array-column', arrayColumn],
  ['unsupported-column-type', unsupportedColumnType],
  ['create-type', createType],
  ['trigger', trigger],
  ['extension', extension],
  ['temporary-object', temporaryObject],
  ['materialized-view', materializedView],
  ['partition', partition],
  ['inherits', inherits],
  ['create-table-as', createTableAs],
  ['collate', collate],
  ['create-database', createDatabase],
  ['tablespace', tablespace],
  ['storage-parameters', storageParameters],
  ['non-sql-function', nonSqlFunction],
  ['procedure', procedure],
  ['do-block', doBlock],
  ['row-level-security', rowLevelSecurity],
  ['truncate', truncate],
  ['vacuum', vacuum],
  ['lock-table', lockTable],
  ['savepoint', savepoint],
  ['alter-system', alterSystem],
  ['isolation-level', isolationLevelRule],
  ['unsupported-statement', unsupportedStatement],
  ['unknown-statement', unknownStatement],
  ['unbounded-dml', unboundedDml],
  ['create-without-if-not-exists', createWithoutIfNotExists],
  ['drop-without-if-exists', dropWithoutIfExists],
];

/** File-level checks, with the rule ids each may report. */
export const FILE_CHECKS: ReadonlyArray<readonly [ReadonlyArray<string>, FileCheck]> = [
  [['multiple-ddl-in-transaction', 'ddl-and-dml-in-transaction', 'transaction-block'], transactionShape],
];
