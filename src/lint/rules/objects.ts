/** Objects DSQL does not have (docs/dsql-facts.md §1.1, §1.2). */
import {
  columnSites, insertAt, removeTokens, replaceTokens, textOf,
} from './helpers';
import { DOC, Finding, Rule, StatementCheck } from './rule';
import {
  closingParen, ColumnConstraint, isWord, StatementView, TokenRange, wordsAt,
} from '../syntax';
import { identifierValue } from '../tokenize';

const trigger: StatementCheck = (s, report) => {
  const head = s.head(6);
  let i = 1;
  if (head[1] === 'OR' && head[2] === 'REPLACE') i = 3;
  if (head[0] === 'CREATE' && (head[i] === 'TRIGGER' || (head[i] === 'CONSTRAINT' && head[i + 1] === 'TRIGGER') || (head[i] === 'EVENT' && head[i + 1] === 'TRIGGER'))) {
    return [report(s, 0, 'CREATE TRIGGER: triggers are not supported on DSQL; do the work in the application or in the migration itself')];
  }
  if (head[0] === 'ALTER' && (head[1] === 'TRIGGER' || (head[1] === 'EVENT' && head[2] === 'TRIGGER'))) {
    return [report(s, 0, 'ALTER TRIGGER: triggers do not exist on DSQL')];
  }
  if (head[0] === 'DROP' && (head[1] === 'TRIGGER' || (head[1] === 'EVENT' && head[2] === 'TRIGGER'))) {
    const k = head[1] === 'EVENT' ? 3 : 2;
    const ifExists = head[k] === 'IF' && head[k + 1] === 'EXISTS';
    const hasOn = head[1] === 'EVENT' || s.tokens.some((t) => t.depth === 0 && isWord(t, 'ON'));
    if (!ifExists || !hasOn) {
      return [report(s, 0, hasOn
        ? 'DROP TRIGGER without IF EXISTS: triggers cannot exist on DSQL, so this always fails'
        : 'DROP TRIGGER needs ON table_name')];
    }
  }
  return [];
};

const UUID_OSSP_FUNCTIONS = ['UUID_GENERATE_V1', 'UUID_GENERATE_V1MC', 'UUID_GENERATE_V3', 'UUID_GENERATE_V4', 'UUID_GENERATE_V5'];

const extension: StatementCheck = (s, report) => {
  const head = s.head(3);
  const out: Finding[] = [];
  if ((head[0] === 'CREATE' || head[0] === 'ALTER') && head[1] === 'EXTENSION') {
    let i = 2;
    if (wordsAt(s.tokens, i, 'IF', 'NOT', 'EXISTS')) i += 3;
    const name = s.tokens[i] ? identifierValue(s.tokens[i]) : '';
    const uuid = name === 'pgcrypto' || name === 'uuid-ossp';
    out.push(report(s, 1, `${head[0]} EXTENSION ${name}: extensions are not supported on DSQL${uuid ? '; gen_random_uuid() is built in, so no extension is needed for UUIDs' : ''}`));
  } else if (head[0] === 'DROP' && head[1] === 'EXTENSION' && !wordsAt(s.tokens, 2, 'IF', 'EXISTS')) {
    out.push(report(s, 1, 'DROP EXTENSION: extensions do not exist on DSQL, so this always fails'));
  }
  s.tokens.forEach((t, i) => {
    if (t.type !== 'word' || !UUID_OSSP_FUNCTIONS.includes(t.upper) || s.tokens[i + 1]?.text !== '(') return;
    const v4 = t.upper === 'UUID_GENERATE_V4' && s.tokens[i + 2]?.text === ')';
    out.push(report(s, i, `${t.text}() comes from the uuid-ossp extension, which DSQL does not have: use gen_random_uuid()`, v4 ? {
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

const temporaryObject: StatementCheck = (s, report) => {
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
  return [report(s, temporary ? modifiers[0] : onCommit!.start, message, {
    edits,
    changesBehaviour: temporary,
    description: temporary ? `CREATE ${objectWord === 'TABLE' ? 'TEMP TABLE' : 'TEMP ' + objectWord} → CREATE ${objectWord}` : 'removed ON COMMIT',
    note: temporary ? `the ${objectWord!.toLowerCase()} is permanent and visible to every session: drop it when the migration is done` : '',
  })];
};

const materializedView: StatementCheck = (s, report) => {
  const head = s.head(5);
  let i = 1;
  if (head[1] === 'OR' && head[2] === 'REPLACE') i = 3;
  const verb = head[0];
  if (!['CREATE', 'ALTER', 'DROP', 'REFRESH'].includes(verb) || head[i] !== 'MATERIALIZED' || head[i + 1] !== 'VIEW') return [];
  if (verb === 'DROP' && head[3] === 'IF' && head[4] === 'EXISTS') return [];
  return [report(s, i, `${verb} MATERIALIZED VIEW: materialized views are not supported on DSQL (plain views are)`)];
};

const partition: StatementCheck = (s, report) => {
  const out: Finding[] = [];
  const ct = s.createTable;
  if (ct) {
    if (wordsAt(s.tokens, ct.name.end, 'PARTITION', 'OF')) {
      out.push(report(s, ct.name.end, 'CREATE TABLE ... PARTITION OF: partitioned tables are not supported on DSQL'));
    }
    for (let i = ct.tail; i < s.tokens.length; i++) {
      if (s.tokens[i].depth !== 0 || !wordsAt(s.tokens, i, 'PARTITION', 'BY')) continue;
      const open = s.tokens.findIndex((t, k) => k > i && t.text === '(');
      const end = open > 0 ? closingParen(s.tokens, open) + 1 : s.tokens.length;
      out.push(report(s, i, 'PARTITION BY: partitioned tables are not supported on DSQL; DSQL distributes storage itself', {
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
        out.push(report(s, a.start, `${s.tokens[a.start].upper} PARTITION: partitioned tables are not supported on DSQL`));
      }
    }
  }
  return out;
};

const inherits: StatementCheck = (s, report) => {
  const out: Finding[] = [];
  const ct = s.createTable;
  if (ct && ct.open !== undefined && ct.close !== undefined) {
    for (let i = ct.tail; i < s.tokens.length; i++) {
      if (s.tokens[i].depth !== 0 || !isWord(s.tokens[i], 'INHERITS') || s.tokens[i + 1]?.text !== '(') continue;
      const close = closingParen(s.tokens, i + 1);
      const parents = s.slice({ start: i + 2, end: close }).split(',').map((p) => p.trim()).filter((p) => p);
      const likes = parents.map((p) => `LIKE ${p}`).join(', ');
      const empty = ct.close === ct.open + 1;
      out.push(report(s, i, 'INHERITS: table inheritance is not supported on DSQL', {
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
        out.push(report(s, a.start, `${isWord(s.tokens[a.start], 'NO') ? 'NO INHERIT' : 'INHERIT'}: table inheritance is not supported on DSQL`));
      }
    }
  }
  return out;
};

const createTableAs: StatementCheck = (s, report) => {
  const ct = s.createTable;
  if (!ct) return [];
  for (let i = ct.tail; i < s.tokens.length; i++) {
    if (s.tokens[i].depth === 0 && isWord(s.tokens[i], 'AS')) {
      return [report(s, i, 'CREATE TABLE AS is not supported on DSQL: create the table, then fill it with INSERT ... SELECT (in batches of at most 3,000 rows)')];
    }
  }
  return [];
};

function isCCollation(s: StatementView, c: ColumnConstraint): boolean {
  const parts = textOf(s.tokens, { start: c.keyword + 1, end: c.end }).filter((w) => w !== '.');
  const name = s.tokens[c.end - 1] ? identifierValue(s.tokens[c.end - 1]).toLowerCase() : '';
  return (parts.length === 1 || (parts.length === 2 && parts[0] === 'PG_CATALOG')) && (name === 'c' || name === 'posix');
}

const collate: StatementCheck = (s, report) => {
  const out: Finding[] = [];
  for (const { column } of columnSites(s)) {
    for (const c of column.constraints) {
      if (c.kind !== 'collate') continue;
      const collation = s.slice({ start: c.keyword + 1, end: c.end });
      const isC = isCCollation(s, c);
      out.push(report(s, c.keyword, `COLLATE ${collation}: DSQL supports no COLLATE clause in CREATE TABLE and uses only the C collation`, {
        edits: [removeTokens(s, c.start, c.end)],
        changesBehaviour: !isC,
        description: `removed COLLATE ${collation}`,
        note: isC ? '' : `text in ${s.tokens[column.name].text} sorts and compares in the C collation (byte order), not ${collation}`,
      }));
    }
  }
  return out;
};

const createDatabase: StatementCheck = (s, report) => {
  const head = s.head(2);
  if (!['CREATE', 'ALTER', 'DROP'].includes(head[0]) || head[1] !== 'DATABASE') return [];
  return [report(s, 1, `${head[0]} DATABASE: a DSQL cluster has exactly one database, postgres, which cannot be created, altered or dropped`)];
};

const tablespace: StatementCheck = (s, report) => {
  const head = s.head(2);
  if (['CREATE', 'ALTER', 'DROP'].includes(head[0]) && head[1] === 'TABLESPACE') {
    return [report(s, 1, `${head[0]} TABLESPACE: DSQL has no tablespaces; it manages storage itself`)];
  }
  const out: Finding[] = [];
  const from = s.createTable?.tail ?? (s.createIndex?.close !== undefined ? s.createIndex.close + 1 : undefined);
  if (from !== undefined) {
    for (let i = from; i < s.tokens.length - 1; i++) {
      if (s.tokens[i].depth === 0 && isWord(s.tokens[i], 'TABLESPACE') && !isWord(s.tokens[i - 1], 'INDEX')) {
        out.push(report(s, i, `TABLESPACE ${s.tokens[i + 1].text}: DSQL has no tablespaces; it manages storage itself`, {
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
      out.push(report(s, a.start, 'SET TABLESPACE: DSQL has no tablespaces; it manages storage itself'));
    }
  }
  return out;
};

const storageParameters: StatementCheck = (s, report) => {
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
        out.push(report(s, i, `WITH ${s.slice({ start: i + 1, end })}: DSQL takes no storage parameters; it manages storage itself`, {
          edits: [removeTokens(s, i, end)],
          changesBehaviour: false,
          description: `removed WITH ${s.slice({ start: i + 1, end })}`,
          note: '',
        }));
      } else if (ct && wordsAt(s.tokens, i, 'WITHOUT', 'OIDS')) {
        out.push(report(s, i, 'WITHOUT OIDS: not a DSQL table option', {
          edits: [removeTokens(s, i, i + 2)], changesBehaviour: false, description: 'removed WITHOUT OIDS', note: '',
        }));
      }
    }
  }
  for (const a of s.alterTable?.actions ?? []) {
    if (a.kind === 'other' && isWord(s.tokens[a.start], 'SET', 'RESET') && s.tokens[a.start + 1]?.text === '(') {
      out.push(report(s, a.start, `${s.tokens[a.start].upper} (...): DSQL takes no table storage parameters`));
    }
  }
  return out;
};

function routineHead(s: StatementView): 'FUNCTION' | 'PROCEDURE' | undefined {
  const head = s.head(4);
  const word = head[1] === 'OR' && head[2] === 'REPLACE' ? head[3] : head[1];
  return head[0] === 'CREATE' && (word === 'FUNCTION' || word === 'PROCEDURE') ? word : undefined;
}

const nonSqlFunction: StatementCheck = (s, report) => {
  const routine = routineHead(s);
  if (!routine) return [];
  for (let i = 0; i < s.tokens.length - 1; i++) {
    if (s.tokens[i].depth !== 0 || !isWord(s.tokens[i], 'LANGUAGE')) continue;
    const lang = s.tokens[i + 1];
    const value = lang.type === 'string' ? lang.text.slice(1, -1).toLowerCase() : identifierValue(lang).toLowerCase();
    if (value === 'sql') return [];
    return [report(s, i, `${routine} in LANGUAGE ${value}: DSQL supports only LANGUAGE SQL functions`)];
  }
  return [];
};

const procedure: StatementCheck = (s, report) => routineHead(s) === 'PROCEDURE'
  ? [report(s, 0, 'CREATE PROCEDURE is not in DSQL\'s supported SQL: write a LANGUAGE SQL function instead')]
  : [];

const doBlock: StatementCheck = (s, report) => isWord(s.tokens[0], 'DO')
  ? [report(s, 0, 'DO block: anonymous code blocks run PL/pgSQL, which DSQL does not support; write plain SQL statements')]
  : [];

const rowLevelSecurity: StatementCheck = (s, report) => {
  const head = s.head(2);
  if (['CREATE', 'ALTER', 'DROP'].includes(head[0]) && head[1] === 'POLICY') {
    return [report(s, 0, `${head[0]} POLICY: row-level security policies are not supported on DSQL`)];
  }
  const out: Finding[] = [];
  for (const a of s.alterTable?.actions ?? []) {
    const w = textOf(s.tokens, { start: a.start, end: Math.min(a.end, a.start + 5) }).join(' ');
    if (/^(ENABLE|DISABLE|FORCE|NO FORCE) ROW LEVEL SECURITY/.test(w)) {
      out.push(report(s, a.start, `${w}: row-level security is not supported on DSQL`));
    }
  }
  return out;
};

export const OBJECT_RULES: ReadonlyArray<Rule> = [
  {
    id: 'trigger',
    severity: 'error',
    category: 'compatibility',
    fixable: false,
    message: 'Triggers are not supported on DSQL',
    docUrl: DOC.unsupported,
    fact: '§1.1, §1.2',
    check: trigger,
  },
  {
    id: 'extension',
    severity: 'error',
    category: 'compatibility',
    fixable: true,
    message: 'Extensions are not supported on DSQL (gen_random_uuid() is built in)',
    docUrl: DOC.unsupported,
    fact: '§1.1',
    fixDoc: [{ rewrite: '`uuid_generate_v4()` → `gen_random_uuid()`', changesBehaviour: 'no' }],
    check: extension,
  },
  {
    id: 'temporary-object',
    severity: 'error',
    category: 'compatibility',
    fixable: true,
    message: 'Temporary tables, views and sequences are not supported on DSQL',
    docUrl: DOC.unsupported,
    fact: '§1.1, §1.2',
    fixDoc: [{ rewrite: 'drops `TEMP`/`TEMPORARY` (and `ON COMMIT`)', changesBehaviour: 'yes: the object is permanent' }],
    check: temporaryObject,
  },
  {
    id: 'materialized-view',
    severity: 'error',
    category: 'compatibility',
    fixable: false,
    message: 'Materialized views are not supported on DSQL (plain views are)',
    docUrl: DOC.unsupported,
    fact: '§1.1, §1.2',
    check: materializedView,
  },
  {
    id: 'partition',
    severity: 'error',
    category: 'compatibility',
    fixable: true,
    message: 'Partitioned tables are not supported on DSQL',
    docUrl: DOC.unsupported,
    fact: '§1.1',
    fixDoc: [{ rewrite: 'removes `PARTITION BY ...`', changesBehaviour: 'yes' }],
    check: partition,
  },
  {
    id: 'inherits',
    severity: 'error',
    category: 'compatibility',
    fixable: true,
    message: 'Table inheritance (INHERITS) is not supported on DSQL',
    docUrl: DOC.unsupported,
    fact: '§1.1',
    fixDoc: [{ rewrite: '`INHERITS (p)` → `LIKE p` in the column list (dsql-lint drops the clause and the parent\'s columns with it)', changesBehaviour: 'yes' }],
    check: inherits,
  },
  {
    id: 'create-table-as',
    severity: 'error',
    category: 'compatibility',
    fixable: false,
    message: 'CREATE TABLE ... AS is not supported: create the table, then INSERT ... SELECT in batches',
    docUrl: DOC.unsupported,
    fact: '§1.1',
    check: createTableAs,
  },
  {
    id: 'collate',
    severity: 'error',
    category: 'compatibility',
    fixable: true,
    message: 'COLLATE is not supported in CREATE TABLE: DSQL uses only the C collation',
    docUrl: DOC.unsupported,
    fact: '§1.1, §1.7',
    fixDoc: [{ rewrite: 'removes `COLLATE`', changesBehaviour: 'only for collations other than `C`/`POSIX`' }],
    check: collate,
  },
  {
    id: 'create-database',
    severity: 'error',
    category: 'compatibility',
    fixable: false,
    message: 'A DSQL cluster has one database, postgres: it cannot be created, altered or dropped',
    docUrl: DOC.unsupported,
    fact: '§1.1',
    check: createDatabase,
  },
  {
    id: 'tablespace',
    severity: 'error',
    category: 'compatibility',
    fixable: true,
    message: 'Tablespaces do not exist on DSQL',
    docUrl: DOC.unsupported,
    fact: '§1.1',
    fixDoc: [{ rewrite: 'removes `TABLESPACE x`', changesBehaviour: 'yes: storage moves' }],
    check: tablespace,
  },
  {
    id: 'storage-parameters',
    severity: 'error',
    category: 'compatibility',
    fixable: true,
    message: 'Table and index storage parameters (WITH (...)) are not supported on DSQL',
    docUrl: DOC.createTable,
    fact: '§1.2',
    fixDoc: [{ rewrite: 'removes `WITH (...)` and `WITHOUT OIDS`', changesBehaviour: 'no' }],
    check: storageParameters,
  },
  {
    id: 'non-sql-function',
    severity: 'error',
    category: 'compatibility',
    fixable: false,
    message: 'Functions must be LANGUAGE SQL on DSQL (PL/pgSQL and other languages are not supported)',
    docUrl: DOC.supportedSql,
    fact: '§1.2, §1.7',
    check: nonSqlFunction,
  },
  {
    id: 'procedure',
    severity: 'error',
    category: 'compatibility',
    fixable: false,
    message: 'CREATE PROCEDURE is not in DSQL\'s supported SQL: use a LANGUAGE SQL function',
    docUrl: DOC.supportedSql,
    fact: '§1.2',
    check: procedure,
  },
  {
    id: 'do-block',
    severity: 'error',
    category: 'compatibility',
    fixable: false,
    message: 'DO blocks run PL/pgSQL, which DSQL does not support',
    docUrl: DOC.supportedSql,
    fact: '§1.7',
    check: doBlock,
  },
  {
    id: 'row-level-security',
    severity: 'error',
    category: 'compatibility',
    fixable: false,
    message: 'Row-level security and policies are not supported on DSQL',
    docUrl: DOC.supportedSql,
    fact: '§1.2',
    check: rowLevelSecurity,
  },
];
