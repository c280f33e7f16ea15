import { Command } from 'commander';
import {
  detectDialect, Dialect, FilePlan, Migration, MigrationStateError, MigrationStatus, planFile, planRepeatable, readMigrationStatus,
  selectWork as selectEngineWork,
} from '../../src/engine';
import { gateLintOptions, LintGateOptions } from '../lint-engine';
import { withOptions } from '../options';
import { runAction } from '../run';
import { resolveTarget, Target } from '../target';
import { plural } from './lint';
import { checkedWithParameters, parameterValues, PolicyOptions } from './policy';

/**
 * What `apply` would do with these statuses: the runner's own decision (src/engine/selection.ts),
 * with the CLI's flags as the policy.
 */
export function selectWork(migrations: ReadonlyArray<Migration>, statuses: ReadonlyArray<MigrationStatus>, policy: PolicyOptions) {
  try {
    const selection = selectEngineWork(migrations, statuses, {
      onChangedFile: policy.acceptChanged ? 'accept' : 'fail',
      outOfOrder: policy.outOfOrder ? 'apply' : 'fail',
      baselineVersion: policy.baseline,
    });
    return { ...selection, warnings: selection.notices.map((n) => n.message) };
  } catch (e) {
    if (e instanceof MigrationStateError) throw new MigrationStateError(`apply would stop:\n${e.message}`);
    throw e;
  }
}

export function registerPlan(program: Command): void {
  withOptions(
    program
      .command('plan')
      .description('show the statements apply would run, in order, with their transaction boundaries; runs nothing and writes nothing'),
    'format', 'target', 'policy', 'lint',
  ).action((options: PolicyOptions & LintGateOptions, command: Command) =>
    runAction(command, async (output, { dir, format }) => {
      const target = resolveTarget(command);
      // What apply would refuse, plan refuses: the same lint, rules and exit code.
      const migrations = checkedWithParameters(dir, options, gateLintOptions(options), output);
      output.detail(`target: ${target.description}`);
      const dialect = await targetDialect(target);
      const statuses = await readMigrationStatus(target.connect, migrations, parameterValues(options));
      const selection = selectWork(migrations, statuses, options);
      const planned = selection.files.map((f) => ({
        ...f,
        ...(f.migration.repeatable ? planRepeatable(f.migration, dialect) : planFile(f.migration, f.from, dialect)),
        state: statuses.find((s) => s.version === f.migration.version)?.state,
      }));
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
            ...(f.migration.repeatable ? { repeatable: true, state: f.state } : {}),
            resumeAtStatement: f.from + 1,
            transactions: f.transactions.map((t) => ({
              block: t.block,
              kind: t.kind,
              ledgerIntentBefore: t.intentBefore,
              ledgerInside: t.ledgerInside,
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
      for (const f of planned) output.result(`\n${renderFile(f.migration, f, f.state)}`);
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
function renderFile(migration: Migration, plan: FilePlan, state: MigrationStatus['state'] | undefined): string {
  const { from, transactions, recordsAfter } = plan;
  const header = migration.repeatable
    ? `: repeatable, ${state === 'outdated' ? 'changed since it was applied (text or parameter values): applied again' : 'never applied'}, whole`
    : from > 0 ? `: resumes at statement ${from + 1} (statements 1-${from} were committed by an earlier run)` : '';
  const lines = [`-- ${migration.fileName}${header}`];
  for (const { statement, text } of plan.replay) {
    if (text !== undefined) lines.push(`-- statement ${statement.index + 1}, line ${statement.line}: session setting made again for the resumed file`, `${text};`);
  }
  for (const t of transactions) {
    if (t.intentBefore) lines.push('-- notes in the progress ledger that the next transaction may commit (it cannot be repeated)');
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
    if (t.ledgerInside) lines.push('-- moves the progress ledger past these statements in this transaction');
    if (t.block) lines.push('COMMIT;');
  }
  if (plan.resets.length > 0) lines.push('-- ends the file\'s session settings', ...plan.resets.map((r) => `${r};`));
  if (recordsAfter) lines.push(`-- records ${migration.version} in schema_migrations`);
  return lines.join('\n');
}
