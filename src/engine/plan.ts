import { classifyStatement, StatementKind } from './classify';
import { SqlStatement } from './splitter';

/** Statements that run in one transaction. */
/** A statement placed in a transaction, with its kind and its 0-based position in the file. */
export type PlannedStatement = SqlStatement & { readonly kind: StatementKind; readonly index: number };

export interface TransactionUnit {
  readonly statements: ReadonlyArray<PlannedStatement>;
  /** True when the file wrote this unit as a `BEGIN ... COMMIT` block. */
  readonly explicit: boolean;
  /** True when every statement is DML, so the migration's own record may share the transaction. */
  readonly dmlOnly: boolean;
}

/** A `BEGIN` without `COMMIT`, or a `COMMIT`/`ROLLBACK` without `BEGIN`. */
export class TransactionShapeError extends Error {
  constructor(message: string, public readonly line: number, public readonly column: number) {
    super(message);
    this.name = 'TransactionShapeError';
  }
}

/**
 * Groups a file's statements into transactions. DSQL allows one DDL statement per transaction and
 * no DDL with DML (docs/dsql-facts.md §2), so every statement outside a `BEGIN ... COMMIT` block runs in a
 * transaction of its own; a block the author wrote runs as written (and DSQL, or the strict mode,
 * refuses it if it breaks those rules).
 *
 * Each planned statement takes the place of the split one in `statements` as it is made (BEGIN and
 * COMMIT stay): one object per statement rather than two, even while a large file is planned.
 */
export function planTransactions(statements: SqlStatement[]): TransactionUnit[] {
  const units: TransactionUnit[] = [];
  let block: PlannedStatement[] | undefined;
  let blockStart: SqlStatement | undefined;
  statements.forEach((statement, index) => {
    const kind = classifyStatement(statement.text);
    if (kind === 'begin') {
      if (block) throw new TransactionShapeError('BEGIN inside a transaction block that is still open', statement.line, statement.column);
      block = [];
      blockStart = statement;
    } else if (kind === 'commit') {
      if (!block) throw new TransactionShapeError('COMMIT without BEGIN', statement.line, statement.column);
      if (block.length > 0) units.push(unit(block, true));
      block = undefined;
    } else if (kind === 'rollback') {
      throw new TransactionShapeError('ROLLBACK in a migration file: a migration must not discard its own work', statement.line, statement.column);
    } else if (block) {
      block.push(statements[index] = planned(statement, kind, index));
    } else {
      units.push(unit([statements[index] = planned(statement, kind, index)], false));
    }
  });
  if (block && blockStart) {
    throw new TransactionShapeError('BEGIN without COMMIT', blockStart.line, blockStart.column);
  }
  return units;
}

/**
 * One fixed shape for every planned statement: an object spread (`{ ...statement, kind, index }`)
 * leaves V8 a dictionary-mode object of about 400 bytes, which a file of 500,000 INSERTs multiplies
 * past the handler's memory.
 */
function planned(s: SqlStatement, kind: StatementKind, index: number): PlannedStatement {
  return { text: s.text, line: s.line, column: s.column, offset: s.offset, end: s.end, kind, index };
}

function unit(statements: PlannedStatement[], explicit: boolean): TransactionUnit {
  return { statements, explicit, dmlOnly: statements.every((s) => s.kind === 'dml') };
}
