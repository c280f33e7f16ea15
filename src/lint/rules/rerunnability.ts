/** A file that stops halfway on DSQL (one DDL per transaction) must be safe to apply again (docs/dsql-facts.md §2, §9.1). */
import {
  insertAt,
} from './helpers';
import { DOC, Finding, Rule, StatementCheck } from './rule';
import { parseRepeatableFileName } from '../../engine';
import {
  isWord, StatementView, wordsAt,
} from '../syntax';

const createWithoutIfNotExists: StatementCheck = (s, report) => {
  const out: Finding[] = [];
  const add = (at: number, what: string, insertBefore: number) => out.push(report(s, at,
    `${what} without IF NOT EXISTS: if the migration stops after this statement, running it again fails here`, {
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
  // An unnamed index cannot say IF NOT EXISTS; run again, it is created once more under a new name.
  if (ci && !ci.ifNotExists && ci.name !== undefined) add(0, 'CREATE INDEX', ci.name);
  const head = s.head(3);
  if (head[0] === 'CREATE' && (head[1] === 'SEQUENCE' || head[1] === 'SCHEMA') && !(head[2] === 'IF')) add(0, `CREATE ${head[1]}`, 2);
  for (const a of s.alterTable?.actions ?? []) {
    if (a.kind === 'add-column' && !a.conditional && a.conditionAt !== undefined) add(a.start, 'ADD COLUMN', a.conditionAt);
  }
  return out;
};

/** Object kinds a plain DROP ... IF EXISTS applies to; others have rules of their own. */
const DROP_KINDS = ['TABLE', 'INDEX', 'VIEW', 'SEQUENCE', 'SCHEMA', 'FUNCTION', 'DOMAIN', 'ROLE', 'USER', 'STATISTICS'];

const dropWithoutIfExists: StatementCheck = (s, report) => {
  const out: Finding[] = [];
  const add = (at: number, what: string, insertBefore: number) => out.push(report(s, at,
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

/** Objects a repeatable file replaces: `CREATE OR REPLACE` makes them again, or a `DROP ... IF EXISTS` before them. */
const REPLACEABLE = ['VIEW', 'FUNCTION', 'PROCEDURE', 'DOMAIN', 'ROLE', 'USER'];
/** Objects made once: in a repeatable file only with IF NOT EXISTS. */
const MADE_ONCE = ['TABLE', 'INDEX', 'SEQUENCE', 'SCHEMA'];

/** The (schema-qualified) name starting at token `i`, lower-cased as PostgreSQL folds it. */
function nameAt(s: StatementView, i: number): string {
  const part = (k: number) => (s.tokens[k]?.type === 'quoted' ? s.tokens[k].text.slice(1, -1) : (s.tokens[k]?.text ?? '').toLowerCase());
  let name = part(i);
  for (let k = i + 1; s.tokens[k]?.text === '.'; k += 2) name += `.${part(k + 1)}`;
  return name;
}

/** `CREATE [OR REPLACE] [TEMP] [MATERIALIZED] [UNIQUE] <kind>`: the kind's token index, whether it replaces. */
function createdKind(s: StatementView): { kind: string; at: number; replaces: boolean } | undefined {
  if (!isWord(s.tokens[0], 'CREATE')) return undefined;
  let i = 1;
  const replaces = wordsAt(s.tokens, 1, 'OR', 'REPLACE');
  if (replaces) i = 3;
  while (isWord(s.tokens[i], 'TEMP', 'TEMPORARY', 'MATERIALIZED', 'UNIQUE', 'RECURSIVE', 'TRUSTED')) i++;
  return isWord(s.tokens[i]) ? { kind: s.tokens[i].upper, at: i, replaces } : undefined;
}

/** A repeatable file runs whole again after every change of its text or values, and after a failure midway. */
const notRerunnable: StatementCheck = (s, report, file) => {
  if (!parseRepeatableFileName(file.fileName.split(/[\\/]/).pop() ?? '')) return [];
  const again = 'fails when the repeatable file runs again (every change of its text or parameter values runs the whole file)';
  if (isWord(s.tokens[0], 'INSERT') && !s.tokens.some((t) => isWord(t, 'CONFLICT'))) {
    return [report(s, 0, 'INSERT without ON CONFLICT in a repeatable file adds its rows again every time the file runs; put data in a versioned file')];
  }
  const created = createdKind(s);
  if (!created) return [];
  // `CREATE INDEX ASYNC`, `CREATE TABLE IF NOT EXISTS`: the name follows the optional words.
  let nameIndex = created.at + 1;
  if (isWord(s.tokens[nameIndex], 'ASYNC', 'CONCURRENTLY')) nameIndex++;
  const ifNotExists = wordsAt(s.tokens, nameIndex, 'IF', 'NOT', 'EXISTS');
  if (MADE_ONCE.includes(created.kind)) {
    return ifNotExists ? [] : [report(s, 0, `CREATE ${created.kind} without IF NOT EXISTS ${again}`)];
  }
  if (!REPLACEABLE.includes(created.kind)) return [];
  if (created.replaces || ifNotExists) return [];
  const name = nameAt(s, nameIndex);
  const kinds = created.kind === 'USER' ? ['ROLE', 'USER'] : created.kind === 'ROLE' ? ['ROLE', 'USER'] : [created.kind];
  const droppedBefore = file.statements.slice(0, s.index).some((d) => {
    // Only DDL keeps its tokens (StatementView.release); a DROP is DDL.
    if (d.kind !== 'ddl' || !isWord(d.tokens[0], 'DROP')) return false;
    const at = isWord(d.tokens[1], 'MATERIALIZED') ? 2 : 1;
    return isWord(d.tokens[at], ...kinds) && wordsAt(d.tokens, at + 1, 'IF', 'EXISTS') && nameAt(d, at + 3) === name;
  });
  if (droppedBefore) return [];
  const way = ['VIEW', 'FUNCTION', 'PROCEDURE'].includes(created.kind) ? `CREATE OR REPLACE ${created.kind}, or DROP ${created.kind} IF EXISTS before it` : `DROP ${created.kind} IF EXISTS before it`;
  return [report(s, 0, `CREATE ${created.kind} ${name} ${again}: use ${way}`)];
};

export const RERUNNABILITY_RULES: ReadonlyArray<Rule> = [
  {
    id: 'create-without-if-not-exists',
    severity: 'warning',
    category: 'rerunnability',
    fixable: true,
    message: 'Add IF NOT EXISTS: a migration that stops halfway on DSQL (one DDL per transaction) must be safe to run again',
    docUrl: DOC.ddl,
    fact: '§2, §9.1',
    notes: '**Re-runnability rules** (`create-without-if-not-exists`, `drop-without-if-exists`) matter on DSQL because each DDL statement commits on its own: a file that fails halfway (or whose history row is not written after its last DDL) is applied again from the top. They cover `CREATE TABLE`, named `CREATE INDEX`, `CREATE SEQUENCE`, `CREATE SCHEMA`, `ADD COLUMN`, and `DROP` of tables, indexes, views, sequences, schemas, functions, domains, roles and statistics, and `DROP COLUMN`.',
    fixDoc: [{ rewrite: 'adds `IF NOT EXISTS` / `IF EXISTS`', changesBehaviour: 'no' }],
    check: createWithoutIfNotExists,
  },
  {
    id: 'drop-without-if-exists',
    severity: 'warning',
    category: 'rerunnability',
    fixable: true,
    message: 'Add IF EXISTS: a migration that stops halfway on DSQL (one DDL per transaction) must be safe to run again',
    docUrl: DOC.ddl,
    fact: '§2, §9.1',
    fixDoc: [{ rewrite: 'adds `IF NOT EXISTS` / `IF EXISTS`', changesBehaviour: 'no' }],
    check: dropWithoutIfExists,
  },
  {
    id: 'repeatable-not-rerunnable',
    severity: 'error',
    category: 'rerunnability',
    fixable: false,
    message: 'A statement of a repeatable (R__) file must succeed when the file runs again: it runs whole after every change and after a failure',
    docUrl: DOC.ddl,
    fact: '§2, §9.1',
    notes: 'Only in `R__description.sql` files. Flags `CREATE VIEW`, `FUNCTION`, `PROCEDURE`, `DOMAIN` and `ROLE` that neither say `OR REPLACE` '
      + 'nor follow a `DROP ... IF EXISTS` of the same name in the file; `CREATE TABLE`, `INDEX`, `SEQUENCE` and `SCHEMA` without `IF NOT EXISTS`; '
      + 'and `INSERT` without `ON CONFLICT` (its rows would be added again).',
    check: notRerunnable,
  },
];
