/** ALTER TABLE: DSQL's grammar is a subset of PostgreSQL's (docs/dsql-facts.md §1.3). */
import {
  alterColumnSub, alterPrefix, generatedName, hasNotValid, insertAt, isSerial, lastNamePart,
  NOTE_ASYNC_INDEX, NOTE_VALIDATE, rewriteAlter, textOf, typeWords, validateStatement,
} from './helpers';
import { DOC, Finding, Fix, Rule, StatementCheck } from './rule';
import {
  AlterAction, AlterTable, closingParen, ColumnConstraint, ColumnDefinition, FileView, isWord, qualifiedNameValue, StatementView,
} from '../syntax';
import { identifierValue } from '../tokenize';

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

const addColumnConstraint: StatementCheck = (s, report, file) => {
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
    out.push(report(s, offending[0].keyword, message, unfixable ? undefined : splitAddColumn(s, file, alter, action, column, offending)));
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
  // PostgreSQL fills existing rows with the default: so does the fix, before any constraint is
  // added, so that NOT NULL and CHECK hold for them too.
  const byDefault = offending.find((c) => c.kind === 'default');
  if (byDefault) {
    statements.push(
      `${prefix} ALTER COLUMN ${columnText} SET DEFAULT ${s.slice({ start: byDefault.keyword + 1, end: byDefault.end })}`,
      `UPDATE ${s.slice(alter.name)} SET ${columnText} = DEFAULT WHERE ${columnText} IS NULL`,
    );
    notes.push('existing rows get the default from one UPDATE in a transaction of its own; DSQL changes at most 3,000 rows per '
      + 'transaction, so for a larger table backfill in batches (by primary key range) in an earlier migration');
  }
  for (const c of offending) {
    const own = c.name !== undefined ? s.tokens[c.name].text : undefined;
    const body = { start: c.kind === 'not-null' ? c.keyword + 2 : c.keyword + 1, end: c.end };
    switch (c.kind) {
      case 'not-null': {
        const name = own ?? generatedName(table, columnValue, 'not_null');
        statements.push(`${prefix} ADD CONSTRAINT ${name} CHECK (${columnText} IS NOT NULL) NOT VALID`, validateStatement(s, alter, name));
        notes.push(`NOT NULL becomes CHECK (${columnText} IS NOT NULL), validated by a background job that fails if a row is still NULL`);
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
      default: // DEFAULT is handled above; 'null' is the default anyway: dropped.
    }
  }
  return {
    edits: [rewriteAlter(s, file, alter, new Map([[action, statements]]))],
    changesBehaviour: offending.some((c) => c.kind !== 'null'),
    description: `split ADD COLUMN ${columnText} into ${statements.length} statements`,
    note: [...new Set(notes)].join('; '),
  };
}

const alterColumnType: StatementCheck = (s, report) => {
  const alter = s.alterTable;
  if (!alter) return [];
  return alter.actions.filter((a) => {
    const sub = alterColumnSub(s, a);
    return sub[0] === 'TYPE' || (sub[0] === 'SET' && sub[1] === 'DATA' && sub[2] === 'TYPE');
  }).map((a) => report(s, a.subAction ?? a.start, `ALTER COLUMN ${s.tokens[a.columnName ?? a.start].text} TYPE is not supported on DSQL: add a new column, copy the data in batches, then drop the old column`));
};

const setNotNull: StatementCheck = (s, report) => {
  const alter = s.alterTable;
  if (!alter) return [];
  return alter.actions.filter((a) => {
    const sub = alterColumnSub(s, a);
    return sub[0] === 'SET' && sub[1] === 'NOT' && sub[2] === 'NULL';
  }).map((a) => report(s, a.subAction ?? a.start, `ALTER COLUMN ${s.tokens[a.columnName ?? a.start].text} SET NOT NULL is not supported on DSQL: add CHECK (${s.tokens[a.columnName ?? a.start].text} IS NOT NULL) NOT VALID, then VALIDATE it`));
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
    if (other.kind === 'dml' && isWord(other.tokens[0], 'INSERT', 'UPDATE', 'DELETE', 'MERGE', 'COPY')) return undefined;
    // Only DDL keeps its tokens (StatementView.release); a CREATE TABLE is DDL.
    const ct = other.kind === 'ddl' ? other.createTable : undefined;
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

const addPrimaryKey: StatementCheck = (s, report, file) => {
  const alter = s.alterTable;
  if (!alter) return [];
  return alter.actions.filter((a) => constraintBody(s, a) === 'PRIMARY').map((a) => {
    const usingIndex = textOf(s.tokens, a).join(' ').includes('USING INDEX');
    const message = `ADD PRIMARY KEY${usingIndex ? ' USING INDEX' : ''}: a DSQL primary key is fixed when the table is created and cannot be added later`;
    return report(s, a.body ?? a.start, message, usingIndex ? undefined : foldIntoCreateTable(s, file, alter, a));
  });
};

const addUniqueConstraint: StatementCheck = (s, report, file) => {
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
    return report(s, a.body ?? a.start, message, fix);
  });
};

const constraintNotValid: StatementCheck = (s, report, file) => {
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
    out.push(report(s, a.body, `ADD CONSTRAINT ... ${kind} without NOT VALID: DSQL adds ${kind === 'CHECK' ? 'check' : 'foreign key'} constraints to an existing table only as NOT VALID, then validates them with ALTER TABLE ASYNC ... VALIDATE CONSTRAINT`, {
      edits: [rewriteAlter(s, file, alter, new Map([[a, statements]]))],
      changesBehaviour: true,
      description: `ADD CONSTRAINT ${name} ... NOT VALID, then ALTER TABLE ASYNC ... VALIDATE CONSTRAINT ${name}`,
      note: NOTE_VALIDATE,
    }));
  }
  return out;
};

const validateConstraintAsync: StatementCheck = (s, report) => {
  const alter = s.alterTable;
  if (!alter || alter.async !== undefined) return [];
  const validate = alter.actions.find((a) => a.kind === 'validate-constraint');
  if (!validate) return [];
  return [report(s, validate.start, 'VALIDATE CONSTRAINT without ASYNC: DSQL validates constraints as a background job (ALTER TABLE ASYNC ... VALIDATE CONSTRAINT)', alter.actions.length === 1 ? {
    edits: [insertAt(s.after(1), ' ASYNC')],
    changesBehaviour: true,
    description: 'ALTER TABLE → ALTER TABLE ASYNC',
    note: 'validation runs as a background job; the runner waits for it',
  } : undefined)];
};

/** ALTER TABLE actions outside DSQL's grammar (§1.3) that no more specific rule covers. */
const alterTableUnsupportedAction: StatementCheck = (s, report, file) => {
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
    out.push(report(s, a.start, `ALTER TABLE ... ${label} is not in DSQL's ALTER TABLE grammar`, removable ? {
      edits: [rewriteAlter(s, file, alter, new Map([[a, []]]))],
      changesBehaviour: false,
      description: `removed ${label}`,
      note: 'DSQL manages storage and compression itself',
    } : undefined));
  }
  return out;
};

export const ALTER_TABLE_RULES: ReadonlyArray<Rule> = [
  {
    id: 'add-column-constraint',
    severity: 'error',
    category: 'compatibility',
    fixable: true,
    message: 'ADD COLUMN takes no DEFAULT, NOT NULL or constraint on DSQL: add the bare column, then alter it',
    docUrl: DOC.alterTable,
    fact: '§1.3',
    fixDoc: [{ rewrite: '`ADD COLUMN c t DEFAULT x NOT NULL CHECK (...) REFERENCES p` → `ADD COLUMN c t`; `ALTER COLUMN c SET DEFAULT x`; `UPDATE t SET c = DEFAULT WHERE c IS NULL` (the backfill PostgreSQL does); `ADD CONSTRAINT t_c_not_null CHECK (c IS NOT NULL) NOT VALID` and `ALTER TABLE ASYNC ... VALIDATE CONSTRAINT`; `CHECK`/`FOREIGN KEY` the same way; `UNIQUE` → `CREATE UNIQUE INDEX ASYNC`. Not for `PRIMARY KEY`, identity or generated columns', changesBehaviour: 'yes: the backfill is one transaction (DSQL: at most 3,000 rows; batch a larger table first), and constraints hold for existing rows once their background validation completes' }],
    check: addColumnConstraint,
  },
  {
    id: 'alter-column-type',
    severity: 'error',
    category: 'compatibility',
    fixable: false,
    message: 'ALTER COLUMN ... TYPE is not supported: add a new column, copy the data in batches, drop the old one',
    docUrl: DOC.alterTable,
    fact: '§1.3',
    check: alterColumnType,
  },
  {
    id: 'set-not-null',
    severity: 'error',
    category: 'compatibility',
    fixable: false,
    message: 'ALTER COLUMN ... SET NOT NULL is not supported: use a CHECK (col IS NOT NULL) NOT VALID constraint',
    docUrl: DOC.alterTable,
    fact: '§1.3',
    check: setNotNull,
  },
  {
    id: 'add-primary-key',
    severity: 'error',
    category: 'compatibility',
    fixable: true,
    message: 'ADD PRIMARY KEY is not supported: a DSQL primary key is fixed when the table is created',
    docUrl: DOC.primaryKeys,
    fact: '§1.2, §1.3',
    fixDoc: [{ rewrite: 'folds `ALTER TABLE ... ADD CONSTRAINT ... PRIMARY KEY` into the `CREATE TABLE` earlier in the same file when no rows were written in between (pg_dump output)', changesBehaviour: 'no' }],
    check: addPrimaryKey,
  },
  {
    id: 'add-unique-constraint',
    severity: 'error',
    category: 'compatibility',
    fixable: true,
    message: 'ALTER TABLE ... ADD UNIQUE is not supported: declare it in CREATE TABLE or use CREATE UNIQUE INDEX ASYNC',
    docUrl: DOC.alterTable,
    fact: '§1.3',
    notes: '**`add-unique-constraint`** also flags `ADD UNIQUE USING INDEX`: it was in the early-2026 ALTER TABLE grammar and is not in the current one (§1.3).',
    fixDoc: [{ rewrite: 'folds `ALTER TABLE ... ADD CONSTRAINT ... UNIQUE` into the `CREATE TABLE` earlier in the same file when no rows were written in between', changesBehaviour: 'no' }, { rewrite: 'on a table from an earlier file: `CREATE UNIQUE INDEX ASYNC name ON t (cols)`', changesBehaviour: 'yes: an index, built in the background, not a constraint' }],
    check: addUniqueConstraint,
  },
  {
    id: 'constraint-not-valid',
    severity: 'error',
    category: 'compatibility',
    fixable: true,
    message: 'ADD CONSTRAINT (foreign key or check) needs NOT VALID, then ALTER TABLE ASYNC ... VALIDATE CONSTRAINT',
    docUrl: DOC.alterTable,
    fact: '§1.3, §1.4 (NOT VALID since Aug 2026, foreign keys since Aug 26, 2026)',
    notes: '**`constraint-not-valid`**: `ALTER TABLE ... ADD CONSTRAINT` for a foreign key or check must be `NOT VALID` on DSQL; existing rows are then checked by `ALTER TABLE ASYNC ... VALIDATE CONSTRAINT`, a background job (§1.3, §1.4). `ADD UNIQUE` and `ADD PRIMARY KEY` are separate rules because they cannot be added that way at all.',
    fixDoc: [{ rewrite: '`ADD CONSTRAINT ... FOREIGN KEY/CHECK` → `... NOT VALID` + `ALTER TABLE ASYNC ... VALIDATE CONSTRAINT` (a generated name when the constraint had none)', changesBehaviour: 'yes: existing rows are validated by a background job' }],
    check: constraintNotValid,
  },
  {
    id: 'validate-constraint-async',
    severity: 'error',
    category: 'compatibility',
    fixable: true,
    message: 'VALIDATE CONSTRAINT runs as a background job on DSQL: write ALTER TABLE ASYNC',
    docUrl: DOC.alterTable,
    fact: '§1.3, §3',
    fixDoc: [{ rewrite: '`ALTER TABLE` → `ALTER TABLE ASYNC`', changesBehaviour: 'yes: validation runs in the background' }],
    check: validateConstraintAsync,
  },
  {
    id: 'alter-table-unsupported-action',
    severity: 'error',
    category: 'compatibility',
    fixable: true,
    message: 'This ALTER TABLE action is not in DSQL\'s ALTER TABLE grammar',
    docUrl: DOC.alterTable,
    fact: '§1.3 (DROP COLUMN is allowed since Aug 2026)',
    notes: '**`alter-table-unsupported-action`** covers `DROP CONSTRAINT`, `REPLICA IDENTITY`, rewrite rules, `SET COMPRESSION`, `SET LOGGED/UNLOGGED`, `CLUSTER ON`, `OF`, `ADD EXCLUDE`: actions that are not in DSQL\'s current ALTER TABLE grammar. `ENABLE/DISABLE TRIGGER ALL|USER` and `OWNER TO` are accepted (dsql-lint\'s cluster tests ran them).',
    fixDoc: [{ rewrite: 'removes `ALTER COLUMN ... SET COMPRESSION`', changesBehaviour: 'no' }],
    check: alterTableUnsupportedAction,
  },
];
