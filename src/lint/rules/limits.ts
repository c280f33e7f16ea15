/** Statements that may exceed a DSQL quota at run time (docs/dsql-facts.md §2, §9.6). */
import { DOC, Rule, StatementCheck } from './rule';
import {
  isWord,
} from '../syntax';

const unboundedDml: StatementCheck = (s, report) => {
  const first = s.tokens[0];
  if (!isWord(first, 'UPDATE', 'DELETE')) return [];
  if (s.tokens.some((t) => t.depth === 0 && isWord(t, 'WHERE'))) return [];
  return [report(s, 0, `${first.upper} without WHERE changes every row: a DSQL transaction may change at most 3,000 rows, so batch it for a large table`)];
};

export const LIMIT_RULES: ReadonlyArray<Rule> = [
  {
    id: 'unbounded-dml',
    severity: 'warning',
    category: 'limits',
    fixable: false,
    message: 'UPDATE or DELETE without WHERE may change more than 3,000 rows, DSQL\'s per-transaction limit',
    docUrl: DOC.quotas,
    fact: '§2, §9.6',
    notes: '**`unbounded-dml`** warns on `UPDATE`/`DELETE` without `WHERE`: one DSQL transaction may change at most 3,000 rows (§2), so a backfill of a large table needs batches.',
    check: unboundedDml,
  },
];
