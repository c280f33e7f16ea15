import * as path from 'path';
import { loadMigrations, Migration, parseMigrations } from '../../src/engine/migration-set';
import { applyMigrationSet } from '../../src/engine/runner';
import { freshDatabase } from '../support/database';
import { instrumentedConnector, QueryLog, snapshot } from '../support/sessions';

/** The example set plus a file of non-idempotent DDL and INSERTs, the hard case for resuming. */
function corpus(): Migration[] {
  const examples = loadMigrations(path.join(__dirname, '..', '..', 'migrations'));
  const hard = parseMigrations([
    {
      fileName: '0100_non_idempotent.sql',
      sql: [
        'CREATE TABLE audit_entries (id INT PRIMARY KEY, note TEXT);',
        "INSERT INTO audit_entries VALUES (1, 'first');",
        'ALTER TABLE audit_entries ADD COLUMN source TEXT;',
        "INSERT INTO audit_entries VALUES (2, 'second', 'import');",
        'ALTER TABLE audit_entries RENAME COLUMN note TO message;',
        'CREATE INDEX ASYNC audit_entries_source_idx ON audit_entries (source);',
        "BEGIN;\nINSERT INTO audit_entries (id, message) VALUES (3, 'third');\nINSERT INTO audit_entries (id, message) VALUES (4, 'fourth');\nCOMMIT;",
        'DROP INDEX audit_entries_source_idx;',
      ].join('\n'),
    },
    { fileName: '0101_after.sql', sql: "INSERT INTO audit_entries (id, message) VALUES (5, 'after');" },
  ]);
  return [...examples, ...hard];
}

/** Both ways of sending a DML transaction with its note (see src/engine/one-message.ts). */
const MODES = [['one message per DML transaction', true], ['statement by statement', false]] as const;

describe.each(MODES)('fault injection: the backend is terminated at every statement boundary, %s', (_mode, oneMessageTransactions) => {
  const migrations = corpus();
  let clean: Record<string, unknown>;
  let boundaries: number;

  beforeAll(async () => {
    const url = await freshDatabase('faults_clean');
    const log: QueryLog = { queries: [] };
    await applyMigrationSet(instrumentedConnector(url, {}, log), migrations, { strict: true, dialect: 'postgresql', oneMessageTransactions });
    clean = await snapshot(url);
    boundaries = log.queries.length;
  });

  test('a clean run ends with every file recorded once and nothing left in progress', () => {
    expect((clean.migrations as unknown[]).length).toBe(migrations.length);
    expect(clean.progress).toEqual([]);
    expect(clean.lock).toEqual([]);
    expect((clean.data as Record<string, unknown[]>).audit_entries).toHaveLength(5);
    expect(boundaries).toBeGreaterThan(oneMessageTransactions ? 30 : 40);
  });

  test('after every kill, the run (resumed in-process, or run again) ends equal to a clean run', async () => {
    const outcomes: string[] = [];
    const events = new Map<string, number>();
    const log = (e: { event: string }) => events.set(e.event, (events.get(e.event) ?? 0) + 1);
    for (let k = 1; k <= boundaries; k++) {
      const url = await freshDatabase('faults');
      const options = { strict: true, dialect: 'postgresql' as const, oneMessageTransactions, lockPollMs: 20, log };
      if (k % 2 === 1) {
        // The runner itself reconnects with a fresh connection and resumes.
        const result = await applyMigrationSet(instrumentedConnector(url, { killAfter: k }), migrations, options);
        expect(result.reconnects).toBeLessThanOrEqual(1);
      } else {
        // The run fails (as a Lambda would), and the next deploy runs again; the dead runner's lease is ours to resume under the same owner.
        const owner = `faults-${k}`;
        await applyMigrationSet(instrumentedConnector(url, { killAfter: k }), migrations, { ...options, owner, maxReconnects: 0 }).catch((e) => outcomes.push(`${k}: ${(e as Error).message.slice(0, 60)}`));
        await applyMigrationSet(instrumentedConnector(url), migrations, { ...options, owner });
      }
      const state = await snapshot(url);
      if (k % 2 === 0 && (state.lock as unknown[]).length > 0) {
        // A runner that died holding the lease leaves it until it expires; a later run with work
        // to do takes it over then, and a run with nothing to do does not need it.
        expect(state.lock).toEqual([expect.objectContaining({ owner: `faults-${k}` })]);
        state.lock = [];
      }
      try {
        expect(state).toEqual(clean);
      } catch (e) {
        throw new Error(`kill after query ${k} (${k % 2 === 1 ? 'in-process resume' : 'second run'}): ${(e as Error).message}`);
      }
    }
    // Half the kills end a run that the second run completes.
    expect(outcomes.length).toBeGreaterThan(boundaries / 2 - 5);
    // The kills hit every path: in-process reconnects, files resumed from the ledger, and
    // non-idempotent statements whose commit was unconfirmed but had happened.
    expect(events.get('reconnect')).toBeGreaterThan(boundaries / 2 - 5);
    expect(events.get('resume')).toBeGreaterThan(5);
    expect(events.get('uncertain-statement-done')).toBeGreaterThan(1);
    console.log(`fault injection: ${boundaries} kill points, events ${JSON.stringify(Object.fromEntries(events))}`);
  });
});
