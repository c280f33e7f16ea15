/** What a parsed corpus holds, by the kinds that cost the engine differently. */
import { isIdempotentStatement, Migration, translateForPostgres } from '../src/engine';

export interface CorpusStats {
  readonly files: number;
  /** Every statement the splitter yields, BEGIN and COMMIT of blocks included. */
  readonly statements: number;
  readonly repeatableDdl: number;
  /** DDL the engine guards with a ledger intent (it cannot be repeated after a lost commit). */
  readonly nonRepeatableDdl: number;
  /** Of those, statements that do say IF NOT EXISTS (the engine's check still finds them unsafe to repeat). */
  readonly nonRepeatableGuarded: number;
  /** DML written outside any block (the engine gives each its own transaction). */
  readonly loneDml: number;
  readonly blocks: number;
  readonly blockDml: number;
  /** CREATE INDEX ASYNC statements (translated to a plain CREATE INDEX on PostgreSQL). */
  readonly asyncIndexes: number;
  /** Files whose last transaction is DML (their record shares that transaction). */
  readonly filesEndingInDml: number;
}

export function corpusStats(migrations: ReadonlyArray<Migration>): CorpusStats {
  let repeatableDdl = 0;
  let nonRepeatableDdl = 0;
  let nonRepeatableGuarded = 0;
  let loneDml = 0;
  let blocks = 0;
  let blockDml = 0;
  let asyncIndexes = 0;
  let filesEndingInDml = 0;
  for (const m of migrations) {
    for (const u of m.units) {
      if (u.explicit) {
        blocks++;
        blockDml += u.statements.length;
        continue;
      }
      const s = u.statements[0];
      if (s.kind === 'ddl') {
        if (isIdempotentStatement(s.text)) {repeatableDdl++;} else {
          nonRepeatableDdl++;
          if (/\bIF (NOT )?EXISTS\b/i.test(s.text)) nonRepeatableGuarded++;
        }
        if (translateForPostgres(s.text) !== s.text && /\bASYNC\b/i.test(s.text)) asyncIndexes++;
      } else if (s.kind === 'dml') {
        loneDml++;
      }
    }
    if (m.units[m.units.length - 1]?.dmlOnly) filesEndingInDml++;
  }
  return {
    files: migrations.length,
    statements: migrations.reduce((n, m) => n + m.statements.length, 0),
    repeatableDdl,
    nonRepeatableDdl,
    nonRepeatableGuarded,
    loneDml,
    blocks,
    blockDml,
    asyncIndexes,
    filesEndingInDml,
  };
}
