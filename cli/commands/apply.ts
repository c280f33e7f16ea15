import { Command, InvalidArgumentError, Option } from 'commander';
import { AppliedMigration, applyMigrationSet, MigrationError, readAsyncJobs, RunInterruptedError, RunnerEvent, RunProgress, RunResult } from '../../src/engine';
import { ReportedFailure } from '../errors';
import { gateLintOptions, LintGateOptions } from '../lint-engine';
import { withOptions } from '../options';
import { Output } from '../output';
import { describeError, reportMigrationError, runAction } from '../run';
import { resolveTarget, Target } from '../target';
import { plural } from './lint';
import { checkedWithParameters, oneMessageOption, PolicyOptions, runOptions, strictOption } from './policy';

interface ApplyOptions extends PolicyOptions, LintGateOptions {
  /** false with --no-wait. */
  readonly wait: boolean;
  readonly waitTimeout: number;
}

export function registerApply(program: Command): void {
  withOptions(
    program
      .command('apply')
      .description('apply the pending migrations in order, one line per file; on DSQL, wait for the index builds they start'),
    'format', 'target', 'policy',
    strictOption(),
    oneMessageOption(),
    new Option('--no-wait', 'on DSQL, do not wait for the async jobs (CREATE INDEX ASYNC) the files started'),
    new Option('--wait-timeout <minutes>', 'how long to wait for async jobs').default(30).argParser(positiveNumber),
    'lint',
  )
    .action((options: ApplyOptions, command: Command) =>
      runAction(command, async (output, { dir, format }) => {
        const target = resolveTarget(command);
        // The rules cdk synth applies: a file that synth would refuse is not applied here either.
        const migrations = checkedWithParameters(dir, options, gateLintOptions(options), output);
        output.detail(`target: ${target.description}`);
        const widest = (field: 'version' | 'name') => Math.max(0, ...migrations.map((m) => m[field].length));
        const widths = { version: widest('version'), name: widest('name') };
        let appliedSoFar = 0;
        const started = Date.now();
        const text = format !== 'json';
        let result: RunResult;
        if (text) output.progress(`applying migrations to ${target.description}...`);
        // Ctrl-C or SIGTERM stops the run before its next commit and releases the lease, so the
        // next run need not wait for it to expire. A second signal ends the process at once.
        const interrupt = new AbortController();
        let signalName: string | undefined;
        const onSignal = (name: NodeJS.Signals) => {
          signalName = name;
          interrupt.abort();
        };
        const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
        for (const name of signals) process.once(name, onSignal);
        try {
          result = await applyMigrationSet(target.connect, migrations, {
            ...runOptions(options),
            dialect: target.dialect,
            signal: interrupt.signal,
            log: (event) => {
              if (event.event === 'migration-applied') {
                appliedSoFar++;
                if (text) {
                  output.info(appliedLine(event as unknown as AppliedMigration, widths, output));
                  output.progress(`applying... (${appliedSoFar} file${plural(appliedSoFar)} so far)`);
                }
              } else if (text) {
                describeEvent(event, output);
              }
            },
          });
        } catch (e) {
          output.clearProgress();
          if (e instanceof RunInterruptedError) e.message = `${signalName ?? 'interrupted'}: ${e.message}`;
          // The run's error carries what it applied before it failed.
          const applied = (e as Partial<RunProgress>).applied ?? [];
          if (format === 'json') {
            output.json('apply', { ok: false, target: target.description, applied, error: describeError(e, dir) });
            throw new ReportedFailure();
          }
          if (e instanceof MigrationError) {
            if (applied.length > 0) output.info(`Applied ${applied.length} file${plural(applied.length)} before the failure.`);
            reportMigrationError(e, output, dir);
            throw new ReportedFailure();
          }
          throw e;
        } finally {
          for (const name of signals) process.removeListener(name, onSignal);
        }
        output.clearProgress();
        const waitForIndexes = result.pendingJobs.length > 0 && options.wait;
        const failedJobs = waitForIndexes ? await waitForJobs(target, result.pendingJobs, options.waitTimeout * 60_000, output, text) : [];
        if (format === 'json') {
          output.json('apply', { ok: failedJobs.length === 0, target: target.description, ...result, failedJobs });
        } else {
          for (const w of result.warnings) output.warn(w);
          const at = result.latestVersion ? `database at version ${result.latestVersion} (${result.appliedCount} recorded)` : 'nothing recorded';
          const ms = Date.now() - started;
          const repeatables = result.repeatables.length > 0 ? ` and ${result.repeatables.length} repeatable file${plural(result.repeatables.length)}` : '';
          const all = [...result.applied, ...result.repeatables];
          output.info(
            all.length === 0
              ? `Nothing to apply; ${at}.`
              : output.out.green(`Applied ${result.applied.length} file${plural(result.applied.length)}${repeatables} (${sum(all)} statement${plural(sum(all))}) in ${ms} ms; ${at}.`),
          );
          for (const job of failedJobs) output.error(`async job ${job.jobId} ${job.status}: ${job.details}`);
        }
        if (failedJobs.length > 0) throw new ReportedFailure();
      }),
    );
}

function appliedLine(m: AppliedMigration, widths: { version: number; name: number }, output: Output): string {
  const statements = `${m.statements} statement${plural(m.statements)}`;
  return `${output.out.green('applied')}  ${m.version.padEnd(widths.version)}  ${m.name.padEnd(widths.name)}  ${statements.padStart(14)}  ${String(m.durationMs).padStart(6)} ms`;
}

const sum = (applied: ReadonlyArray<AppliedMigration>) => applied.reduce((n, m) => n + m.statements, 0);

/** Lock waits are shown to everyone (a run that seems stuck says why); the rest with --verbose. */
function describeEvent(event: RunnerEvent, output: Output): void {
  const { event: name, ...fields } = event;
  if (name === 'waiting-for-lock') {
    // Once when the wait starts, then every 30 seconds (not once per poll).
    output.notice(
      fields.first
        ? `waiting for the migration lock held by ${String(fields.holder)} since ${String(fields.since)} (lease until ${String(fields.until)})`
        : `still waiting for the migration lock held by ${String(fields.holder)} (${Math.round(Number(fields.waitedMs) / 1000)} s; lease until ${String(fields.until)})`,
    );
    return;
  }
  // Warnings are printed once, from the result.
  if (['missing-file', 'changed-file', 'rolled-back', 'database-ahead', 'run-complete'].includes(name)) return;
  output.detail(`${name}: ${Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ')}`);
}

const POLL_MS = 5_000;

/** Waits for DSQL's async jobs (index builds); returns the ones that failed. */
async function waitForJobs(target: Target, jobIds: string[], timeoutMs: number, output: Output, text: boolean) {
  if (text) output.notice(`waiting for ${jobIds.length} async job${plural(jobIds.length)} (index builds) to finish...`);
  const started = Date.now();
  const deadline = started + timeoutMs;
  const session = await target.connect();
  try {
    for (;;) {
      const { pending, failed } = await readAsyncJobs(session, jobIds);
      if (pending.length === 0 || failed.length > 0) {
        output.clearProgress();
        return failed;
      }
      if (text) output.progress(`${pending.length} of ${jobIds.length} async job${plural(jobIds.length)} still running (${Math.round((Date.now() - started) / 1000)} s)`);
      if (Date.now() > deadline) {
        throw new Error(`${pending.length} async job${plural(pending.length)} still running after the wait timeout: ${pending.join(', ')} (the files are recorded; check sys.jobs)`);
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    await session.end().catch(() => undefined);
  }
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('a positive number of minutes');
  return n;
}
