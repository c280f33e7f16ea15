import { leadingWords } from './classify';
import { blankComments } from './lexical';

/**
 * Whether running a DDL statement a second time, right after it committed, changes nothing:
 * `CREATE ... IF NOT EXISTS`, `CREATE OR REPLACE`, `DROP ... IF EXISTS`, column defaults, grants.
 * DSQL commits each DDL statement on its own (docs/dsql-facts.md §2), so the runner must know which
 * statements it may repeat after a lost connection and which need a ledger entry first.
 */
export function isIdempotentStatement(text: string): boolean {
  const head = normalizedHead(text);
  if (/^(SET|RESET|CALL|ANALYZE|SELECT|GRANT|REVOKE|COMMENT ON|AWS IAM|SHOW)\b/.test(head)) return true;
  if (/^CREATE OR REPLACE\b/.test(head)) return true;
  if (/^CREATE\b[^(]*?\bIF NOT EXISTS\b/.test(head)) return true;
  if (/^DROP\b[^(]*?\bIF EXISTS\b/.test(head)) return true;
  // One action only: a comma outside parentheses (not the one in NUMERIC(12,2)) starts another.
  if (/^ALTER TABLE\b/.test(head) && !withoutParentheses(head).includes(',')) {
    return /\b(ADD (COLUMN )?IF NOT EXISTS|DROP (COLUMN )?IF EXISTS|DROP CONSTRAINT IF EXISTS|ALTER (COLUMN )?\S+ (SET DEFAULT|DROP DEFAULT|DROP NOT NULL))\b/.test(head);
  }
  return false;
}

/** The statement upper-cased outside quotes, comments stripped, whitespace folded (first 400 characters). */
function normalizedHead(text: string): string {
  const words = leadingWords(text, 1);
  if (words.length === 0) return '';
  return blankComments(text)
    .replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"/g, (m) => (m.startsWith('"') ? '"id"' : "'lit'"))
    .slice(0, 400)
    .replace(/\s+/g, ' ')
    .trim()
    .toUpperCase();
}

function withoutParentheses(text: string): string {
  let previous;
  let current = text;
  do {
    previous = current;
    current = current.replace(/\([^()]*\)/g, '');
  } while (current !== previous);
  return current;
}
