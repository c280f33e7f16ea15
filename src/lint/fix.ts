/**
 * Rewrites SQL into DSQL-compatible SQL where a rule knows how. Every rewrite is reported; one
 * that changes behaviour (an index that is not ready at once, a constraint not yet enforced on
 * existing rows, statements that no longer commit together) says so with `changesBehaviour`.
 */
import { analyzeSql, LintDiagnostic, LintOptions, lintSql } from './lint';
import { TextEdit } from './syntax';
import { lineIndex, normalizeSql } from '../engine';

export interface AppliedFix {
  readonly ruleId: string;
  /** Line in the input of what the fix rewrote. */
  readonly line: number;
  /** What the fix did. */
  readonly message: string;
  readonly changesBehaviour: boolean;
  /** What the author should know about the result ('' when nothing). */
  readonly note: string;
}

export interface FixResult {
  readonly sql: string;
  readonly applied: AppliedFix[];
  /** Diagnostics left in the fixed SQL: what no fix could rewrite. */
  readonly remaining: LintDiagnostic[];
}

export interface FixOptions extends LintOptions {
  /** Used in `remaining` diagnostics. */
  readonly fileName?: string;
  /**
   * Also apply the fixes of rules at warning level (re-runnability, `jsonb-column`). Off by default:
   * a warning's evidence is weaker, and its rewrite (JSONB to JSON, IF NOT EXISTS) can change what
   * later files rely on. @default false
   */
  readonly includeWarnings?: boolean;
}

/** A fix can make another one possible (a split statement, then its transaction): a few passes settle it. */
const MAX_PASSES = 8;

export function fixSql(input: string, options: FixOptions = {}): FixResult {
  const fileName = options.fileName ?? 'input.sql';
  const original = normalizeSql(input);
  const positionInOriginal = lineIndex(original);
  let sql = original;
  // Maps an offset of the current text back to one of the original, through every pass.
  let toOriginal = (offset: number) => offset;
  const applied: AppliedFix[] = [];

  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const { findings } = analyzeSql(fileName, sql, options);
    const accepted: TextEdit[] = [];
    for (const f of findings) {
      // Overlapping fixes wait for the next pass (a fix shared by two rules is applied once).
      if (!f.fix || (f.severity === 'warning' && !options.includeWarnings)) continue;
      if (!f.fix.edits.every((e) => accepted.every((a) => !overlaps(a, e)))) continue;
      accepted.push(...f.fix.edits);
      applied.push({
        ruleId: f.ruleId,
        line: positionInOriginal(toOriginal(f.offset)).line,
        message: f.fix.description,
        changesBehaviour: f.fix.changesBehaviour,
        note: f.fix.note,
      });
    }
    if (accepted.length === 0) break;
    const previous = toOriginal;
    const edits = [...accepted].sort((a, b) => a.start - b.start || a.end - b.end);
    sql = applyEdits(sql, edits);
    toOriginal = (offset) => previous(backThroughEdits(edits, offset));
  }
  return { sql, applied, remaining: lintSql(fileName, sql, options) };
}

/** Two edits overlap when they replace shared text; insertions may touch replaced ranges at their ends. */
function overlaps(a: TextEdit, b: TextEdit): boolean {
  if (a.start === a.end && b.start === b.end) return false;
  if (a.start === a.end) return b.start < a.start && a.start < b.end;
  if (b.start === b.end) return a.start < b.start && b.start < a.end;
  return a.start < b.end && b.start < a.end;
}

function applyEdits(sql: string, sorted: ReadonlyArray<TextEdit>): string {
  let out = '';
  let at = 0;
  for (const e of sorted) {
    out += sql.slice(at, e.start) + e.text;
    at = Math.max(at, e.end);
  }
  return out + sql.slice(at);
}

/** The offset before the edits of an offset after them (inserted text maps to where it was inserted). */
function backThroughEdits(sorted: ReadonlyArray<TextEdit>, offset: number): number {
  let delta = 0;
  for (const e of sorted) {
    const newStart = e.start + delta;
    if (offset < newStart) return offset - delta;
    if (offset < newStart + e.text.length) return e.start;
    delta += e.text.length - (e.end - e.start);
  }
  return offset - delta;
}
