import { SqlSession } from './bookkeeping';
import { classifyStatement, dsqlTransactionProblem } from './classify';
import { splitStatements } from './splitter';

/**
 * Wraps a PostgreSQL session so that it refuses what DSQL refuses about transactions: a second DDL
 * statement in one transaction, or DDL and DML together ("Transactions in Aurora DSQL can contain
 * only one DDL statement and can't have both DDL and DML statements", docs/dsql-facts.md §2). Tests and
 * local runs use it to prove that the engine keeps DSQL's rules without a cluster.
 */
export function dsqlStrictSession(session: SqlSession): SqlSession {
  let inBlock = false;
  let ddl = 0;
  let dml = 0;
  const refuse = (message: string) => Object.assign(new Error(`${message} (DSQL strict mode)`), { code: '0A000' });
  return {
    async query(text, params) {
      const statements = splitStatements(text).statements;
      // Several statements in one simple query run as one implicit transaction.
      const implicit = !inBlock && statements.length > 1;
      let blockDdl = inBlock ? ddl : 0;
      let blockDml = inBlock ? dml : 0;
      let open = inBlock || implicit;
      for (const s of statements) {
        const kind = classifyStatement(s.text);
        if (kind === 'begin') {
          open = true;
          blockDdl = 0;
          blockDml = 0;
        } else if (kind === 'commit' || kind === 'rollback') {
          open = implicit;
          blockDdl = 0;
          blockDml = 0;
        } else if (open && (kind === 'ddl' || kind === 'dml')) {
          if (kind === 'ddl') blockDdl++;
          else blockDml++;
          const problem = dsqlTransactionProblem(blockDdl, blockDml);
          if (problem) throw refuse(problem);
        }
      }
      const result = await session.query(text, params);
      inBlock = open && !implicit;
      ddl = blockDdl;
      dml = blockDml;
      return result;
    },
    end: () => session.end(),
  };
}
