/**
 * Suppression comments, in the style of squawk and eslint:
 * - `-- dsql-migrations-ignore rule-id[, rule-id]` silences those rules for the next statement;
 * - `-- dsql-migrations-ignore-file rule-id[, rule-id]` silences them for the whole file.
 * Text after the list (for example a reason) is ignored. A suppression that silences nothing is
 * reported as `unused-suppression`, so stale comments do not pile up.
 */
import { SqlComment, SqlStatement } from '../engine';

export interface Suppression {
  readonly scope: 'statement' | 'file';
  readonly ruleIds: ReadonlyArray<string>;
  /** File offset of the comment. */
  readonly offset: number;
  /** For statement scope: the statement it applies to; undefined when no statement follows. */
  readonly statementIndex?: number;
}

const DIRECTIVE = /^--\s*dsql-migrations-ignore(-file)?(?=\s|$)\s*([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)?/;

export function parseSuppressions(comments: ReadonlyArray<SqlComment>, statements: ReadonlyArray<SqlStatement>): Suppression[] {
  const out: Suppression[] = [];
  let next = 0;
  for (const comment of comments) {
    if (comment.block) continue;
    const m = DIRECTIVE.exec(comment.text);
    if (!m) continue;
    const ruleIds = m[2] ? m[2].split(',').map((id) => id.trim()) : [];
    if (m[1]) {
      out.push({ scope: 'file', ruleIds, offset: comment.offset });
      continue;
    }
    while (next < statements.length && statements[next].offset < comment.offset) next++;
    out.push({ scope: 'statement', ruleIds, offset: comment.offset, statementIndex: next < statements.length ? next : undefined });
  }
  return out;
}

/** Tracks which suppression entries silenced something. */
export class SuppressionIndex {
  private readonly used = new Set<string>();

  constructor(readonly suppressions: ReadonlyArray<Suppression>) {}

  /** True when a finding of `ruleId` in statement `statementIndex` is suppressed (and marks the entry used). */
  suppresses(ruleId: string, statementIndex: number | undefined): boolean {
    let hit = false;
    this.suppressions.forEach((s, i) => {
      if (!s.ruleIds.includes(ruleId)) return;
      if (s.scope === 'file' || (statementIndex !== undefined && s.statementIndex === statementIndex)) {
        this.used.add(`${i}:${ruleId}`);
        hit = true;
      }
    });
    return hit;
  }

  /** Entries that silenced nothing, with the reason. `isKnown`/`isEnabled` come from the rule catalogue and settings. */
  unused(isKnown: (id: string) => boolean, isEnabled: (id: string) => boolean): Array<{ offset: number; message: string }> {
    const out: Array<{ offset: number; message: string }> = [];
    this.suppressions.forEach((s, i) => {
      const where = s.scope === 'file' ? 'in this file' : 'in the next statement';
      if (s.ruleIds.length === 0) out.push({ offset: s.offset, message: 'dsql-migrations-ignore names no rule id' });
      for (const id of s.ruleIds) {
        if (!isKnown(id)) out.push({ offset: s.offset, message: `dsql-migrations-ignore names no known rule: ${id}` });
        else if (s.scope === 'statement' && s.statementIndex === undefined) out.push({ offset: s.offset, message: `dsql-migrations-ignore ${id}: no statement follows` });
        else if (isEnabled(id) && !this.used.has(`${i}:${id}`)) out.push({ offset: s.offset, message: `dsql-migrations-ignore ${id}: the rule reports nothing ${where}` });
      }
    });
    return out;
  }
}
