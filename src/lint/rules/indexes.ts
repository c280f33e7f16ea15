/** Indexes: DSQL builds every index as a background job, with a narrower syntax (docs/dsql-facts.md §1.6, §3). */
import {
  insertAt, NOTE_ASYNC_INDEX, removeTokens, replaceTokens,
} from './helpers';
import { DOC, Finding, Rule, StatementCheck } from './rule';
import {
  isWord,
} from '../syntax';
import { identifierValue } from '../tokenize';

const indexRequiresAsync: StatementCheck = (s, report) => {
  const ci = s.createIndex;
  if (!ci || ci.async !== undefined || ci.concurrently !== undefined) return [];
  return [report(s, ci.indexWord, 'CREATE INDEX without ASYNC: DSQL builds every index as a background job (CREATE INDEX ASYNC)', {
    edits: [insertAt(s.after(ci.indexWord), ' ASYNC')],
    changesBehaviour: true,
    description: 'CREATE INDEX → CREATE INDEX ASYNC',
    note: NOTE_ASYNC_INDEX,
  })];
};

const indexConcurrently: StatementCheck = (s, report) => {
  const ci = s.createIndex;
  if (!ci || ci.concurrently === undefined) return [];
  const edit = ci.async !== undefined ? removeTokens(s, ci.concurrently, ci.concurrently + 1) : replaceTokens(s, ci.concurrently, ci.concurrently + 1, 'ASYNC');
  return [report(s, ci.concurrently, 'CREATE INDEX CONCURRENTLY is PostgreSQL syntax: DSQL builds indexes in the background with CREATE INDEX ASYNC', {
    edits: [edit],
    changesBehaviour: true,
    description: 'CONCURRENTLY → ASYNC',
    note: NOTE_ASYNC_INDEX,
  })];
};

const indexUsingMethod: StatementCheck = (s, report) => {
  const ci = s.createIndex;
  if (!ci || ci.using === undefined) return [];
  const method = s.tokens[ci.using + 1];
  const methodName = method ? method.text : '';
  const isBtree = method !== undefined && identifierValue(method) === 'btree';
  return [report(s, ci.using, `USING ${methodName}: DSQL indexes take no access method clause`, method ? {
    edits: [removeTokens(s, ci.using, ci.using + 2)],
    changesBehaviour: !isBtree,
    description: `removed USING ${methodName}`,
    note: isBtree ? '' : `DSQL builds its own index type, not a ${methodName} index: operators that only ${methodName} supports will not use it`,
  } : undefined)];
};

const indexSortOrder: StatementCheck = (s, report) => {
  const ci = s.createIndex;
  if (!ci || ci.open === undefined) return [];
  const depth = s.tokens[ci.open].depth + 1;
  const out: Finding[] = [];
  for (const element of ci.elements) {
    for (let i = element.start; i < element.end; i++) {
      if (s.tokens[i].depth === depth && isWord(s.tokens[i], 'ASC', 'DESC')) {
        const descending = s.tokens[i].upper === 'DESC';
        out.push(report(s, i, `${s.tokens[i].upper} in an index column list: DSQL indexes take no sort direction`, {
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

export const INDEX_RULES: ReadonlyArray<Rule> = [
  {
    id: 'index-requires-async',
    severity: 'error',
    category: 'compatibility',
    fixable: true,
    message: 'CREATE INDEX must say ASYNC: DSQL builds every index as a background job',
    docUrl: DOC.createIndex,
    fact: '§1.6, §3',
    fixDoc: [{ rewrite: '`CREATE INDEX` → `CREATE INDEX ASYNC`', changesBehaviour: 'yes: the index builds as a background job and is not usable (a `UNIQUE` one does not enforce) until the job completes' }],
    check: indexRequiresAsync,
  },
  {
    id: 'index-concurrently',
    severity: 'error',
    category: 'compatibility',
    fixable: true,
    message: 'CONCURRENTLY is PostgreSQL syntax; DSQL builds indexes in the background with ASYNC',
    docUrl: DOC.createIndexAsync,
    fact: '§3',
    fixDoc: [{ rewrite: '`CONCURRENTLY` → `ASYNC`', changesBehaviour: 'yes: as for `index-requires-async`' }],
    check: indexConcurrently,
  },
  {
    id: 'index-using-method',
    severity: 'error',
    category: 'compatibility',
    fixable: true,
    message: 'CREATE INDEX takes no USING access method on DSQL',
    docUrl: DOC.createIndex,
    fact: '§1.6',
    fixDoc: [{ rewrite: 'removes `USING method`', changesBehaviour: 'only for methods other than btree' }],
    check: indexUsingMethod,
  },
  {
    id: 'index-sort-order',
    severity: 'error',
    category: 'compatibility',
    fixable: true,
    message: 'ASC/DESC are not allowed in a DSQL index column list (NULLS FIRST/LAST are)',
    docUrl: DOC.createIndex,
    fact: '§1.1, §1.6',
    fixDoc: [{ rewrite: 'removes `ASC`/`DESC`', changesBehaviour: 'only for `DESC`' }],
    check: indexSortOrder,
  },
];
