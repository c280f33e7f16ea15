/** A unified diff (as `diff -u` and `git diff` print it) of two texts, for `fix` without --write. */

interface Op {
  readonly kind: ' ' | '-' | '+';
  readonly text: string;
}

/** Beyond this many cells the middle of two files is shown as replaced rather than aligned line by line. */
const MAX_LCS_CELLS = 16_000_000;

function diffLines(a: ReadonlyArray<string>, b: ReadonlyArray<string>): Op[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const ops: Op[] = a.slice(0, start).map((text) => ({ kind: ' ', text }));
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const n = midA.length;
  const m = midB.length;
  if (n * m > MAX_LCS_CELLS) {
    ops.push(...midA.map((text) => ({ kind: '-' as const, text })), ...midB.map((text) => ({ kind: '+' as const, text })));
  } else {
    // lcs[i][j]: longest common subsequence of midA[i..] and midB[j..].
    const lcs = new Uint32Array((n + 1) * (m + 1));
    const at = (i: number, j: number) => i * (m + 1) + j;
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[at(i, j)] = midA[i] === midB[j] ? lcs[at(i + 1, j + 1)] + 1 : Math.max(lcs[at(i + 1, j)], lcs[at(i, j + 1)]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && midA[i] === midB[j]) {
        ops.push({ kind: ' ', text: midA[i++] });
        j++;
      } else if (j < m && (i === n || lcs[at(i, j + 1)] >= lcs[at(i + 1, j)])) {
        ops.push({ kind: '+', text: midB[j++] });
      } else {
        ops.push({ kind: '-', text: midA[i++] });
      }
    }
    // Deletions before insertions within a change, as diff -u prints them.
    normaliseChangeOrder(ops, start);
  }
  ops.push(...a.slice(endA).map((text) => ({ kind: ' ' as const, text })));
  return ops;
}

function normaliseChangeOrder(ops: Op[], from: number): void {
  let i = from;
  while (i < ops.length) {
    if (ops[i].kind === ' ') {
      i++;
      continue;
    }
    let j = i;
    while (j < ops.length && ops[j].kind !== ' ') j++;
    const run = ops.slice(i, j);
    ops.splice(i, j - i, ...run.filter((o) => o.kind === '-'), ...run.filter((o) => o.kind === '+'));
    i = j;
  }
}

function lines(text: string): { lines: string[]; finalNewline: boolean } {
  if (text === '') return { lines: [], finalNewline: true };
  const finalNewline = text.endsWith('\n');
  return { lines: (finalNewline ? text.slice(0, -1) : text).split('\n'), finalNewline };
}

/** '' when the texts are equal. */
export function unifiedDiff(before: string, after: string, beforeName: string, afterName: string, context = 3): string {
  if (before === after) return '';
  const a = lines(before);
  const b = lines(after);
  // A missing final newline is a change of the last line, marked as diff marks it.
  const noEol = '\n\\ No newline at end of file';
  const aLines = a.lines.map((l, i) => (i === a.lines.length - 1 && !a.finalNewline ? l + noEol : l));
  const bLines = b.lines.map((l, i) => (i === b.lines.length - 1 && !b.finalNewline ? l + noEol : l));
  const ops = diffLines(aLines, bLines);

  const out = [`--- ${beforeName}`, `+++ ${afterName}`];
  const changed = ops.map((o, i) => (o.kind === ' ' ? -1 : i)).filter((i) => i >= 0);
  let k = 0;
  while (k < changed.length) {
    // A hunk spans changes closer than two contexts apart.
    let last = k;
    while (last + 1 < changed.length && changed[last + 1] - changed[last] <= 2 * context) last++;
    const from = Math.max(0, changed[k] - context);
    const to = Math.min(ops.length, changed[last] + context + 1);
    let oldStart = 1;
    let newStart = 1;
    for (const o of ops.slice(0, from)) {
      if (o.kind !== '+') oldStart++;
      if (o.kind !== '-') newStart++;
    }
    const hunk = ops.slice(from, to);
    const oldCount = hunk.filter((o) => o.kind !== '+').length;
    const newCount = hunk.filter((o) => o.kind !== '-').length;
    out.push(`@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@`);
    for (const o of hunk) out.push(`${o.kind}${o.text}`);
    k = last + 1;
  }
  return `${out.join('\n')}\n`;
}

/** `diff -u` writes an empty range as the line before it, with count 0. */
function range(start: number, count: number): string {
  if (count === 0) return `${start - 1},0`;
  return count === 1 ? `${start}` : `${start},${count}`;
}
