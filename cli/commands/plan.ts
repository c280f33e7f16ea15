import { Command } from 'commander';
import { Dialect, translateForPostgres } from '../../src/engine/dialect';
import { Migration } from '../../src/engine/migration-set';
import { compareVersions } from '../../src/engine/naming';
import { PlannedStatement } from '../../src/engine/plan';
import { detectDialect, MigrationStateError, readMigrationStatus } from '../../src/engine/runner';
import { MigrationStatus } from '../../src/engine/status';
import { loadMigrationSet } from '../migration-files';
import { formatOption } from '../options';
import { runAction } from '../run';
import { addTargetOptions, resolveTarget, Target } from '../target';
import { plural } from './lint';
import { addPolicyOptions, PolicyOptions } from './policy';

export interface PlannedFile {
  readonly migration: Migration;
  /** 0-based index of the first statement to run: > 0 when an earlier run stopped halfway. */
  readonly from: number;
}

export interface RunSelection {
  /** Files recorded as a baseline without running, when --baseline applies. */
  readonly baseline: Migration[];
  readonly files: PlannedFile[];
  readonly warnings: string[];
}

/**
 * What `apply` would do with these statuses. Mirrors the runner's own choice (src/engine/runner.ts
 * `work` and `needsBaseline`): missing and rolled-back files only warn, a database ahead of the set
 * gets nothing, changed and out-of-order files stop the run unless accepted.
 */
export function selectWork(migrations: ReadonlyArray<Migration>, statuses: ReadonlyArray<MigrationStatus>, policy: PolicyOptions): RunSelection {
  const warnings: string[] = [];
  const problems: string[] = [];
  const latestFile = migrations[migrations.length - 1]?.version;
  const recorded = statuses.filter((s) => ['applied', 'baseline', 'changed', 'missing'].includes(s.state));
  for (const s of statuses) {
    if (s.state === 'missing') warnings.push(`${s.version}_${s.name} is recorded in schema_migrations but has no file in this set`);
    if (s.state === 'rolled-back') warnings.push(`${s.fileName} was applied before and its record was deleted later; it is not applied again`);
    if (s.state === 'changed') {
      const message = `${s.fileName} was changed after it was applied: recorded checksum ${s.recordedChecksum}, file checksum ${s.checksum}`;
      if (policy.acceptChanged) warnings.push(`${message} (accepted)`);
      else problems.push(`${message}. Restore the file as it was applied and put the change in a new migration, or pass --accept-changed.`);
    }
  }
  const ahead = recorded.filter((s) => /^\d+$/.test(s.version) && (latestFile === undefined || compareVersions(s.version, latestFile) > 0));
  if (ahead.length > 0) {
    warnings.push(`the database holds versions newer than this set (${ahead.map((s) => s.version).join(', ')}); nothing is applied`);
    return { baseline: [], files: [], warnings };
  }
  if (problems.length > 0) throw new MigrationStateError(`apply would stop:\n${problems.join('\n')}`);

  const byVersion = new Map(migrations.map((m) => [m.version, m]));
  const inProgress = statuses.some((s) => s.state === 'in-progress');
  if (policy.baseline !== undefined && recorded.length === 0 && !inProgress) {
    // Nothing recorded: the files up to the baseline are recorded, the rest is pending.
    const baseline = migrations.filter((m) => compareVersions(m.version, policy.baseline!) <= 0);
    const files = migrations.filter((m) => compareVersions(m.version, policy.baseline!) > 0).map((migration) => ({ migration, from: 0 }));
    return { baseline, files, warnings };
  }
  const files: PlannedFile[] = [];
  for (const s of statuses) {
    const migration = byVersion.get(s.version);
    if (!migration) continue;
    if (s.state === 'pending') {
      files.push({ migration, from: 0 });
    } else if (s.state === 'in-progress') {
      files.push({ migration, from: s.statementsDone ?? 0 });
    } else if (s.state === 'out-of-order') {
      if (policy.outOfOrder) files.push({ migration, from: 0 });
      else problems.push(`${s.fileName} is older than the newest applied migration and was never applied. Give it a later version, or pass --out-of-order.`);
    }
  }
  if (problems.length > 0) throw new MigrationStateError(`apply would stop:\n${problems.join('\n')}`);
  return { baseline: [], files, warnings };
}

/** One transaction as the runner sends it. */
export interface PlannedTransaction {
  /** True when the runner wraps it in BEGIN ... COMMIT; false for one DDL statement on its own (autocommit). */
  readonly block: boolean;
  /** True when the file's record is written in this transaction (a file that ends in DML). */
  readonly recordsFile: boolean;
  readonly statements: ReadonlyArray<{ readonly statement: PlannedStatement; readonly text: string | undefined }>;
}

export interface FilePlan {
  readonly transactions: PlannedTransaction[];
  /** True when the file is recorded after its last transaction, in a transaction of its own. */
  readonly recordsAfter: boolean;
}

/** A file's transactions from `from` on, with each statement as the target's dialect receives it. */
export function fileTransactions(migration: Migration, from: number, dialect: Dialect): FilePlan {
  const units = migration.units.filter((u) => u.statements[0].index >= from);
  const last = units[units.length - 1];
  const recordWithLast = last !== undefined && last.dmlOnly;
  const transactions = units.map((u) => {
    const recordsFile = recordWithLast && u === last;
    return {
      block: u.explicit || u.dmlOnly || recordsFile,
      recordsFile,
      statements: u.statements.map((statement) => ({ statement, text: dialect === 'dsql' ? statement.text : translateForPostgres(statement.text) })),
    };
  });
  return { transactions, recordsAfter: !recordWithLast };
}

export function registerPlan(program: Command): void {
  addPolicyOptions(
    addTargetOptions(
      program
        .command('plan')
        .description('show the statements apply would run, in order, with their transaction boundaries; runs nothing and writes nothing')
        .addOption(formatOption()),
    ),
  ).action((options: PolicyOptions, command: Command) =>
    runAction(command, async (output, { dir, format }) => {
      const target = resolveTarget(command);
      const migrations = loadMigrationSet(dir);
      output.detail(`target: ${target.description}`);
      const dialect = await targetDialect(target);
      const statuses = await readMigrationStatus(target.connect, migrations);
      const selection = selectWork(migrations, statuses, options);
      const planned = selection.files.map((f) => ({ ...f, ...fileTransactions(f.migration, f.from, dialect) }));
      // Counted as apply counts them: every statement of the file from the resume point, BEGIN and COMMIT included.
      const statementCount = planned.reduce((n, f) => n + f.migration.statements.length - f.from, 0);

      if (format === 'json') {
        output.json('plan', {
          ok: true,
          target: target.description,
          dialect,
          baseline: selection.baseline.map((m) => ({ version: m.version, name: m.name, fileName: m.fileName })),
          files: planned.map((f) => ({
            version: f.migration.version,
            name: f.migration.name,
            fileName: f.migration.fileName,
            resumeAtStatement: f.from + 1,
            transactions: f.transactions.map((t) => ({
              block: t.block,
              recordsFile: t.recordsFile,
              statements: t.statements.map(({ statement, text }) => ({
                number: statement.index + 1,
                line: statement.line,
                kind: statement.kind,
                sql: text ?? null,
                ...(text !== statement.text ? { original: statement.text } : {}),
              })),
            })),
            recordsFileAfter: f.recordsAfter,
          })),
          warnings: selection.warnings,
        });
        return;
      }
      for (const w of selection.warnings) output.warn(w);
      const where = `${target.description} (${dialect === 'dsql' ? 'Aurora DSQL' : 'PostgreSQL'})`;
      if (planned.length === 0 && selection.baseline.length === 0) {
        output.info(`-- Nothing to apply to ${where}.`);
        return;
      }
      output.info(`-- Plan for ${where}: ${planned.length} file${plural(planned.length)}, ${statementCount} statement${plural(statementCount)}. Nothing has been run.`);
      if (dialect !== 'dsql') output.info('-- Statements are shown as PostgreSQL receives them (DSQL-only syntax translated or skipped).');
      if (selection.baseline.length > 0) {
        const first = selection.baseline[0].version;
        const last = selection.baseline[selection.baseline.length - 1].version;
        output.result(`\n-- Baseline: records ${first}..${last} (${selection.baseline.length} file${plural(selection.baseline.length)}) in schema_migrations without running them.`);
      }
      for (const f of planned) output.result(`\n${renderFile(f.migration, f.from, f.transactions, f.recordsAfter)}`);
    }),
  );
}

async function targetDialect(target: Target): Promise<Dialect> {
  if (target.dialect) return target.dialect;
  const session = await target.connect();
  try {
    return await detectDialect(session);
  } finally {
    await session.end().catch(() => undefined);
  }
}

/** A file's part of the plan as SQL with comments: it reads like the script that will run. */
function renderFile(migration: Migration, from: number, transactions: ReadonlyArray<PlannedTransaction>, recordsAfter: boolean): string {
  const lines = [`-- ${migration.fileName}${from > 0 ? `: resumes at statement ${from + 1} (statements 1-${from} were committed by an earlier run)` : ''}`];
  for (const t of transactions) {
    if (t.block) lines.push('BEGIN;');
    for (const { statement, text } of t.statements) {
      const where = `statement ${statement.index + 1}, line ${statement.line}`;
      if (text === undefined) {
        lines.push(`-- ${where}: skipped on PostgreSQL`, ...statement.text.split('\n').map((l) => `-- ${l}`));
        continue;
      }
      lines.push(`-- ${where}${t.block ? '' : ', in its own transaction'}${text !== statement.text ? ', translated for PostgreSQL' : ''}`);
      lines.push(`${text};`);
    }
    if (t.recordsFile) lines.push(`-- records ${migration.version} in schema_migrations in this transaction`);
    if (t.block) lines.push('COMMIT;');
  }
  if (recordsAfter) lines.push(`-- records ${migration.version} in schema_migrations`);
  return lines.join('\n');
}
