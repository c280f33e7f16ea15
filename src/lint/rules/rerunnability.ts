/** A file that stops halfway on DSQL (one DDL per transaction) must be safe to apply again (docs/dsql-facts.md §2, §9.1). */
import {
  insertAt,
} from './helpers';
import { DOC, Finding, Rule, StatementCheck } from './rule';
import {
  isWord, wordsAt,
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
];
