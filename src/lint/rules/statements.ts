/** Statements DSQL does not run, and files that cannot be split (docs/dsql-facts.md §1.1, §1.2, §2, §4). */
import {
  replaceTokens, textOf,
} from './helpers';
import { DOC, Rule, StatementCheck } from './rule';
import { LOADER_RULES } from '../../engine';
import {
  closingParen, isWord, StatementView, TokenRange, wordsAt,
} from '../syntax';

const truncate: StatementCheck = (s, report, file) => {
  if (!isWord(s.tokens[0], 'TRUNCATE')) return [];
  const words = textOf(s.tokens, { start: 1, end: s.tokens.length });
  const cascades = words.includes('CASCADE') || words.join(' ').includes('RESTART IDENTITY');
  let i = isWord(s.tokens[1], 'TABLE') ? 2 : 1;
  const end = s.tokens.findIndex((t, k) => k >= i && isWord(t, 'RESTART', 'CONTINUE', 'CASCADE', 'RESTRICT'));
  const tables = splitTablesList(s, { start: i, end: end < 0 ? s.tokens.length : end });
  const message = 'TRUNCATE is not supported on DSQL: delete the rows instead (at most 3,000 per transaction), or drop and re-create the table';
  if (cascades || tables.length === 0) return [report(s, 0, message)];
  const statements = tables.map((t) => `DELETE FROM ${t}`);
  return [report(s, 0, message, {
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

const vacuum: StatementCheck = (s, report, file) => isWord(s.tokens[0], 'VACUUM')
  ? [report(s, 0, 'VACUUM is not supported on DSQL, which needs no vacuum', {
    edits: [file.remove(s)],
    changesBehaviour: false,
    description: 'removed VACUUM',
    note: 'DSQL reclaims space itself; use ANALYZE table_name to refresh statistics',
  })]
  : [];

const lockTable: StatementCheck = (s, report) => isWord(s.tokens[0], 'LOCK')
  ? [report(s, 0, 'LOCK TABLE is not supported on DSQL: it uses optimistic concurrency and has no blocking locks (conflicts fail at COMMIT with 40001)')]
  : [];

const savepoint: StatementCheck = (s, report) => {
  const head = s.head(4);
  let label: string | undefined;
  if (head[0] === 'SAVEPOINT') label = 'SAVEPOINT';
  else if (head[0] === 'RELEASE') label = 'RELEASE SAVEPOINT';
  else if ((head[0] === 'ROLLBACK' || head[0] === 'ABORT') && (head[1] === 'TO' || head[2] === 'TO')) label = 'ROLLBACK TO SAVEPOINT';
  return label ? [report(s, 0, `${label}: savepoints (nested transactions) are not supported on DSQL`)] : [];
};

const alterSystem: StatementCheck = (s, report) => wordsAt(s.tokens, 0, 'ALTER', 'SYSTEM')
  ? [report(s, 0, 'ALTER SYSTEM is not supported on DSQL: server settings are managed by the service')]
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

const isolationLevelRule: StatementCheck = (s, report) => {
  const head = s.head(5);
  const begins = head[0] === 'BEGIN' || (head[0] === 'START' && head[1] === 'TRANSACTION');
  const sets = head[0] === 'SET' && (head[1] === 'TRANSACTION' || head[2] === 'TRANSACTION' || head[1] === 'SESSION');
  if (!begins && !sets) return [];
  const level = isolationLevel(s);
  if (!level) return [];
  const levelText = textOf(s.tokens, level).join(' ');
  if (levelText === 'REPEATABLE READ') return [];
  if (sets) {
    return [report(s, 0, `SET TRANSACTION ISOLATION LEVEL ${levelText}: DSQL runs every transaction at REPEATABLE READ (snapshot isolation); remove the statement`)];
  }
  return [report(s, level.start, `isolation level ${levelText}: DSQL runs every transaction at REPEATABLE READ (snapshot isolation)`, {
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
const unsupportedStatement: StatementCheck = (s, report) => {
  const head = s.head(4);
  const words = head.join(' ');
  const flag = (label: string, why = 'not supported on DSQL') => [report(s, 0, `${label}: ${why}`)];
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

const unknownStatement: StatementCheck = (s, report) => {
  const first = s.tokens[0];
  if (!first || first.text === '(' || (first.type === 'word' && KNOWN_COMMANDS.has(first.upper))) return [];
  return [report(s, 0, `"${s.text.split(/\s+/)[0].slice(0, 40)}" does not start a SQL statement: check the spelling, or a missing semicolon before it`)];
};

/** Reported by the lint engine when the splitter gives up on a file (the loader's id for the same problem). */
export const SYNTAX_ERROR: Rule = {
  id: LOADER_RULES.syntax,
  severity: 'error',
  category: 'compatibility',
  fixable: false,
  message: 'The file cannot be split into statements',
  docUrl: DOC.supportedSql,
  fact: '—',
};

export const STATEMENT_RULES: ReadonlyArray<Rule> = [
  {
    id: 'truncate',
    severity: 'error',
    category: 'compatibility',
    fixable: true,
    message: 'TRUNCATE is not supported: use DELETE FROM (mind the 3,000-row limit) or DROP and CREATE',
    docUrl: DOC.migrationGuide,
    fact: '§1.1, §1.2',
    fixDoc: [{ rewrite: '`TRUNCATE a, b` → `DELETE FROM a; DELETE FROM b` (not with `CASCADE` or `RESTART IDENTITY`)', changesBehaviour: 'yes: subject to the 3,000-row limit' }],
    check: truncate,
  },
  {
    id: 'vacuum',
    severity: 'error',
    category: 'compatibility',
    fixable: true,
    message: 'VACUUM is not supported: DSQL needs no vacuum',
    docUrl: DOC.unsupported,
    fact: '§1.1',
    fixDoc: [{ rewrite: 'removes the statement', changesBehaviour: 'no' }],
    check: vacuum,
  },
  {
    id: 'lock-table',
    severity: 'error',
    category: 'compatibility',
    fixable: false,
    message: 'LOCK TABLE is not supported: DSQL uses optimistic concurrency and has no blocking locks',
    docUrl: DOC.concurrency,
    fact: '§4',
    check: lockTable,
  },
  {
    id: 'savepoint',
    severity: 'error',
    category: 'compatibility',
    fixable: false,
    message: 'Savepoints are not supported on DSQL',
    docUrl: DOC.unsupported,
    fact: '§1.1, §2',
    check: savepoint,
  },
  {
    id: 'alter-system',
    severity: 'error',
    category: 'compatibility',
    fixable: false,
    message: 'ALTER SYSTEM is not supported on DSQL',
    docUrl: DOC.migrationGuide,
    fact: '§1.1',
    check: alterSystem,
  },
  {
    id: 'isolation-level',
    severity: 'error',
    category: 'compatibility',
    fixable: true,
    message: 'DSQL runs every transaction at REPEATABLE READ; other isolation levels are rejected',
    docUrl: DOC.isolation,
    fact: '§2',
    fixDoc: [{ rewrite: '`BEGIN ISOLATION LEVEL x` → `REPEATABLE READ`', changesBehaviour: 'yes' }],
    check: isolationLevelRule,
  },
  {
    id: 'unsupported-statement',
    severity: 'error',
    category: 'compatibility',
    fixable: false,
    message: 'This statement is not in DSQL\'s supported SQL',
    docUrl: DOC.supportedSql,
    fact: '§1.2',
    notes: '**`unsupported-statement`** names the statement: cursors, `LISTEN/NOTIFY`, `PREPARE`, `LOAD`, `DISCARD`, `COPY` to or from a file or program (STDIN/STDOUT are fine), `ALTER INDEX`, `ALTER FUNCTION` property changes, `ALTER ROLE` password and attribute changes (IAM authentication), foreign servers, rules, aggregates, operators, publications, `CLUSTER`, `REINDEX`, `CHECKPOINT`.',
    check: unsupportedStatement,
  },
  {
    id: 'unknown-statement',
    severity: 'error',
    category: 'compatibility',
    fixable: false,
    message: 'Not a SQL statement: the first word is no PostgreSQL command',
    docUrl: DOC.supportedSql,
    fact: '§1.2',
    check: unknownStatement,
  },
  SYNTAX_ERROR,
];
