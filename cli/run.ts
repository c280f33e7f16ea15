import * as path from 'path';
import { Command } from 'commander';
import { EXIT, ReportedFailure, UsageError } from './errors';
import { formatProblem } from './migration-files';
import { CommonOptions } from './options';
import { Output } from './output';
import { ConnectionError } from './target';
import { isRepeatableKey, LOADER_RULE_IDS, MigrationError, MigrationStateError, MigrationValidationError } from '../src/engine';
import { RULES_BY_ID } from '../src/lint';

/**
 * Runs a command's action with its Output, and turns what it throws into an exit code and a
 * message: usage errors exit 2; every failure of migrations, lint or the database exits 1.
 */
export async function runAction(command: Command, action: (output: Output, options: CommonOptions) => Promise<void> | void): Promise<void> {
  const options = command.optsWithGlobals<CommonOptions>();
  const output = new Output(options);
  try {
    await action(output, options);
  } catch (e) {
    process.exitCode = report(e, command.name(), options, output);
  }
}

function report(e: unknown, commandName: string, options: CommonOptions, output: Output): number {
  if (e instanceof ReportedFailure) return EXIT.failure;
  if (e instanceof UsageError) {
    output.error(e.message);
    output.errorDetail(`Run dsql-migrations ${commandName} --help for usage.`);
    return EXIT.usage;
  }
  if (options.format === 'json') {
    output.json(commandName, { ok: false, error: describeError(e, options.dir) });
    return EXIT.failure;
  }
  if (e instanceof MigrationError) {
    reportMigrationError(e, output, options.dir);
  } else if (e instanceof MigrationValidationError) {
    output.error(`invalid migrations in ${e.directory} (dsql-migrations lint shows every finding):`);
    for (const p of e.problems) output.errorDetail(formatProblem(e.directory, p));
    // Only a lint finding can be changed with --rule or skipped with --no-lint; the loader's stand.
    if ((commandName === 'apply' || commandName === 'plan') && e.problems.some((p) => RULES_BY_ID.has(p.rule) && !LOADER_RULE_IDS.has(p.rule))) {
      // plan prints apply's very lines (docs/cli.md): it shows what apply would refuse.
      output.errorDetail('apply refuses what cdk synth refuses: fix the files (dsql-migrations fix rewrites what it can), change a rule with --rule, or pass --no-lint.');
    }
  } else {
    output.error((e as Error)?.message ?? String(e));
    if (!(e instanceof MigrationStateError || e instanceof ConnectionError)) output.detail((e as Error)?.stack ?? '');
  }
  return EXIT.failure;
}

/** File and line first (an editor can jump there), then the SQLSTATE and the server's message. */
export function reportMigrationError(e: MigrationError, output: Output, dir: string): void {
  output.error(`${path.join(dir, e.fileName)}:${e.line}: statement ${e.statementNumber} failed${e.sqlState ? ` (SQLSTATE ${e.sqlState})` : ''}`);
  output.errorDetail(`  ${e.detail}`);
  if (e.sqlState === '54000') {
    output.errorDetail('  DSQL limits a transaction to 3,000 rows, 10 MiB and 5 minutes: split the data change into batches (e.g. by key range), a statement or file each.');
  }
  // A repeatable file has no resume point: it runs whole again (README, Repeatable files).
  output.errorDetail(isRepeatableKey(e.version)
    ? '  Earlier files stay applied. This repeatable file is not recorded: the next apply runs it again from its first statement, so every statement must be re-runnable. Fix the statement and run apply again.'
    : '  Earlier files stay applied. This file is not recorded: status shows it in-progress when some of its statements committed (apply resumes after them), pending otherwise; later files stay pending. Fix the statement and run apply again.');
}

/** The `error` member of a failed command's JSON document. */
export function describeError(e: unknown, dir: string): Record<string, unknown> {
  if (e instanceof MigrationError) {
    return { kind: 'migration', file: path.join(dir, e.fileName), version: e.version, statement: e.statementNumber, line: e.line, sqlState: e.sqlState ?? null, message: e.detail };
  }
  if (e instanceof MigrationValidationError) {
    return { kind: 'validation', message: `invalid migrations in ${e.directory}`, problems: e.problems.map((p) => ({ ...p, line: p.line ?? 1, column: p.column ?? 1 })) };
  }
  if (e instanceof MigrationStateError) return { kind: 'state', message: e.message };
  if (e instanceof ConnectionError) return { kind: 'connection', message: e.message };
  return { kind: 'internal', message: (e as Error)?.message ?? String(e) };
}
