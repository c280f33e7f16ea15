import { dsqlTransactionProblem } from './classify';
import { Dialect, translateForPostgres } from './dialect';
import { isIdempotentStatement } from './idempotency';
import { Migration } from './migration-set';
import { PlannedStatement, TransactionUnit } from './plan';
import { isSessionSetting, settingResets } from './session-settings';

/**
 * How a file is run from a statement on: its transactions and where the runner's notes (ledger
 * rows and the file's record) go. The runner executes this plan and `plan` prints it, so the two
 * cannot disagree.
 */
export interface FilePlan {
  /** 0-based index of the first statement to run (statements before it were committed by an earlier run). */
  readonly from: number;
  /** Session settings of the committed statements, made again first: a resumed file runs in a new session. */
  readonly replay: ReadonlyArray<SentStatement>;
  readonly transactions: ReadonlyArray<FileTransaction>;
  /** `RESET` statements that end the file's session settings after its last transaction. */
  readonly resets: ReadonlyArray<string>;
  /** The file is recorded after its last transaction, in a write of its own. */
  readonly recordsAfter: boolean;
}

/**
 * - `with-notes`: the runner wraps the statements in BEGIN ... COMMIT and writes its note (the
 *   ledger's next position, or the file's record) in the same commit, with the lease check;
 * - `alone`: one statement in autocommit, or a block holding DDL (DSQL refuses a DML write beside
 *   it): nothing of the runner's inside; a ledger intent before it unless every statement can be repeated.
 */
export type TransactionKind = 'with-notes' | 'alone';

export interface FileTransaction {
  readonly kind: TransactionKind;
  /** The file wrote this transaction as a `BEGIN ... COMMIT` block. */
  readonly explicit: boolean;
  /** Sent inside BEGIN ... COMMIT (a block the author wrote, or DML the runner wraps with its notes). */
  readonly block: boolean;
  /** A ledger row (this statement may have committed, all before it did) is written before the transaction. */
  readonly intentBefore: boolean;
  /** The file's record is written in this transaction (a file that ends in DML). */
  readonly recordsFile: boolean;
  /**
   * Consecutive DML statements the file wrote outside a block, sharing one transaction and one
   * ledger move. If DSQL refuses the group for its size (54000), it rolled back whole and the
   * runner sends its statements one transaction each (`oneByOne`).
   */
  readonly grouped: boolean;
  /** The ledger row moves past this transaction in the same commit (a `with-notes` transaction that does not record the file). */
  readonly ledgerInside: boolean;
  readonly statements: ReadonlyArray<SentStatement>;
}

/** A statement of the file and its text as the server's dialect receives it (undefined: not sent). */
export interface SentStatement {
  readonly statement: PlannedStatement;
  readonly text: string | undefined;
}

/** A file's plan from statement `from` (0-based) on, for a server of this dialect. */
export function planFile(migration: Migration, from: number, dialect: Dialect): FilePlan {
  const planned = migration.units.flatMap((u) => u.statements);
  const sent = (statement: PlannedStatement): SentStatement => ({ statement, text: dialect === 'dsql' ? statement.text : translateForPostgres(statement.text) });
  const units = groupLoneDml(migration.units.filter((u) => u.statements[0].index >= from));
  const last = units[units.length - 1];
  // A file whose last transaction is DML records itself inside it: data and record commit together.
  const recordWithLast = last !== undefined && last.dmlOnly;
  const transactions = units.map((unit): FileTransaction => {
    const recordsFile = recordWithLast && unit === last;
    // The runner's notes are one more DML write: never added to a transaction DSQL would then
    // refuse (docs/dsql-facts.md §2), such as a `BEGIN; CREATE ...; COMMIT;` block.
    const count = (kind: string) => unit.statements.filter((s) => s.kind === kind).length;
    const notesFit = dsqlTransactionProblem(count('ddl'), count('dml') + 1) === undefined;
    const withNotes = notesFit && (unit.explicit || unit.dmlOnly);
    return {
      kind: withNotes ? 'with-notes' : 'alone',
      explicit: unit.explicit,
      block: withNotes || unit.explicit,
      intentBefore: !withNotes && !unit.statements.every((s) => isIdempotentStatement(s.text)),
      recordsFile,
      ledgerInside: withNotes && !recordsFile,
      grouped: !unit.explicit && unit.statements.length > 1,
      statements: unit.statements.map(sent),
    };
  });
  return {
    from,
    replay: planned.filter((s) => s.index < from && isSessionSetting(s.text)).map(sent),
    transactions,
    resets: settingResets(planned),
    recordsAfter: !recordWithLast,
  };
}

/**
 * A repeatable file's plan: always whole, with none of the runner's notes (no progress ledger: a
 * run that stops in it applies it again from the top next time), recorded after its last transaction.
 */
export function planRepeatable(migration: Migration, dialect: Dialect): FilePlan {
  const plan = planFile(migration, 0, dialect);
  const transactions = plan.transactions.map((t): FileTransaction => ({ ...t, kind: 'alone', intentBefore: false, recordsFile: false, ledgerInside: false }));
  return { ...plan, transactions, recordsAfter: true };
}

/**
 * At most this many lone DML statements share a transaction: DSQL limits a transaction to 3,000
 * changed rows and 10 MiB (docs/dsql-facts.md §2), and a group it refuses is sent again one by one.
 */
export const DML_GROUP_SIZE = 50;

/**
 * Consecutive DML statements written outside a block share one transaction (DSQL allows any
 * number of DML statements in a transaction, docs/dsql-facts.md §2): one BEGIN, COMMIT and ledger
 * move for the group instead of one for each statement. The group commits whole or not at all, so
 * a resumed file still starts at the first statement that did not commit.
 */
function groupLoneDml(units: ReadonlyArray<TransactionUnit>): TransactionUnit[] {
  const out: TransactionUnit[] = [];
  for (const unit of units) {
    const previous = out[out.length - 1];
    const lone = (u: TransactionUnit) => !u.explicit && u.dmlOnly;
    if (previous && lone(previous) && lone(unit) && previous.statements.length < DML_GROUP_SIZE) {
      out[out.length - 1] = { statements: [...previous.statements, ...unit.statements], explicit: false, dmlOnly: true };
    } else {
      out.push(unit);
    }
  }
  return out;
}

/** A group DSQL refused for its size, as the one-statement transactions it was made of. */
export function oneByOne(group: FileTransaction): FileTransaction[] {
  const last = group.statements.length - 1;
  return group.statements.map((s, i) => ({
    ...group,
    statements: [s],
    grouped: false,
    recordsFile: group.recordsFile && i === last,
    ledgerInside: !(group.recordsFile && i === last),
  }));
}
