/** Transaction shape (docs/dsql-facts.md §2): one check over a file's BEGIN ... COMMIT blocks feeds three rules. */
import { insertAt } from './helpers';
import { DOC, FileCheck, Fix, Rule } from './rule';
import { LOADER_RULES } from '../../engine';
import { FileView, StatementView, TextEdit } from '../syntax';

interface Block {
  readonly begin: StatementView;
  readonly members: StatementView[];
  readonly nestedBegins: StatementView[];
}

type Problem = 'multiple-ddl' | 'ddl-and-dml' | 'unbalanced';

interface BlockProblem {
  readonly problem: Problem;
  readonly at: StatementView;
  readonly message: string;
  readonly fix?: Fix;
}

/** The three rules read one analysis per file. */
const analysed = new WeakMap<FileView, BlockProblem[]>();

function blockProblems(file: FileView): BlockProblem[] {
  let out = analysed.get(file);
  if (!out) analysed.set(file, out = analyse(file));
  return out;
}

function analyse(file: FileView): BlockProblem[] {
  const out: BlockProblem[] = [];
  const unbalanced = (at: StatementView, message: string) => out.push({ problem: 'unbalanced', at, message });
  let block: Block | undefined;
  for (const s of file.statements) {
    if (s.kind === 'begin') {
      if (block) {
        block.nestedBegins.push(s);
        unbalanced(s, 'BEGIN inside a transaction block that is still open');
      } else {
        block = { begin: s, members: [], nestedBegins: [] };
      }
    } else if (s.kind === 'commit') {
      if (!block) unbalanced(s, 'COMMIT without BEGIN');
      else out.push(...checkBlock(file, block, s));
      block = undefined;
    } else if (s.kind === 'rollback') {
      unbalanced(s, 'ROLLBACK in a migration file: a migration must not discard its own work');
      block = undefined;
    } else if (block) {
      block.members.push(s);
    }
  }
  if (block) unbalanced(block.begin, 'BEGIN without COMMIT');
  return out;
}

function checkBlock(file: FileView, block: Block, commit: StatementView): BlockProblem[] {
  const ddl = block.members.filter((m) => m.kind === 'ddl');
  const dml = block.members.filter((m) => m.kind === 'dml');
  const out: BlockProblem[] = [];
  if (ddl.length === 0 || (ddl.length === 1 && dml.length === 0)) return out;
  const fix = unwrapBlock(file, block, commit);
  if (ddl.length > 1) {
    out.push({ problem: 'multiple-ddl', at: ddl[1], message: `${ddl.length} DDL statements in one transaction: DSQL allows one DDL statement per transaction`, fix });
  }
  if (dml.length > 0) {
    const mixing = block.members.find((m, i) => (m.kind === 'ddl' || m.kind === 'dml') && block.members.slice(0, i).some((p) => (p.kind === 'ddl' || p.kind === 'dml') && p.kind !== m.kind))!;
    out.push({ problem: 'ddl-and-dml', at: mixing, message: 'DDL and DML in one transaction: DSQL does not allow both in a transaction', fix });
  }
  return out;
}

/**
 * Removes BEGIN/COMMIT around a block so each DDL statement runs in a transaction of its own (the
 * runner sends every statement outside a block on its own). Consecutive DML statements keep a
 * block of their own, so data changes that belong together still commit together.
 */
function unwrapBlock(file: FileView, block: Block, commit: StatementView): Fix {
  const edits: TextEdit[] = [file.remove(block.begin), ...block.nestedBegins.map((b) => file.remove(b)), file.remove(commit)];
  const beginText = block.begin.text;
  let run: StatementView[] = [];
  const flush = () => {
    if (run.length > 1) {
      edits.push(insertAt(run[0].offset, `${beginText};\n`));
      const last = run[run.length - 1];
      const terminator = file.terminator(last);
      edits.push(insertAt(terminator === undefined ? last.statement.end : terminator + 1, `${terminator === undefined ? ';' : ''}\nCOMMIT;`));
    }
    run = [];
  };
  for (const m of block.members) {
    if (m.kind === 'dml') run.push(m);
    else flush();
  }
  flush();
  return {
    edits,
    changesBehaviour: true,
    description: 'removed the BEGIN/COMMIT around the block so each DDL statement runs in its own transaction',
    note: 'the statements no longer commit or fail together: if one fails, the ones before it stay applied, so keep them re-runnable (IF [NOT] EXISTS)',
  };
}

const reportProblems = (problem: Problem): FileCheck => (file, report) =>
  blockProblems(file).filter((p) => p.problem === problem).map((p) => report(p.at, p.message, p.fix));

export const TRANSACTION_RULES: ReadonlyArray<Rule> = [
  {
    id: 'multiple-ddl-in-transaction',
    severity: 'error',
    category: 'transaction',
    fixable: true,
    message: 'DSQL allows one DDL statement per transaction: run each DDL statement outside BEGIN ... COMMIT',
    docUrl: DOC.ddl,
    fact: '§2, §9.1',
    fixDoc: [{ rewrite: 'removes the `BEGIN`/`COMMIT` (Prisma, drizzle or hand-written) so each DDL statement runs in its own transaction; consecutive DML statements keep a `BEGIN ... COMMIT` of their own', changesBehaviour: 'yes: the statements no longer commit together' }],
    fileCheck: reportProblems('multiple-ddl'),
  },
  {
    id: 'ddl-and-dml-in-transaction',
    severity: 'error',
    category: 'transaction',
    fixable: true,
    message: 'DSQL does not allow DDL and DML in one transaction',
    docUrl: DOC.ddl,
    fact: '§2, §9.1',
    fixDoc: [{ rewrite: 'the rewrite of `multiple-ddl-in-transaction` (one fix serves both)', changesBehaviour: 'yes: the statements no longer commit together' }],
    fileCheck: reportProblems('ddl-and-dml'),
  },
  {
    // The loader refuses the same files: one id for both.
    id: LOADER_RULES.transactionBlock,
    severity: 'error',
    category: 'runner',
    fixable: false,
    message: 'Unbalanced transaction block: each BEGIN needs a COMMIT, and a migration must not ROLLBACK its own work',
    docUrl: DOC.ddl,
    fact: '§2',
    notes: '**`transaction-block`** is about this project\'s runner, which runs a file\'s `BEGIN ... COMMIT` block as one transaction and refuses unbalanced blocks and `ROLLBACK`; plain DSQL accepts a lone `BEGIN`.',
    fileCheck: reportProblems('unbalanced'),
  },
];
