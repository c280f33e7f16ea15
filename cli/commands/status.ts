import { Command } from 'commander';
import { MigrationStatus, readMigrationStatus } from '../../src/engine';
import { ReportedFailure } from '../errors';
import { loadMigrationSet } from '../migration-files';
import { withOptions } from '../options';
import { Cell, formatTable, Style } from '../output';
import { runAction } from '../run';
import { resolveTarget } from '../target';
import { paramOption, parameterValues, PolicyOptions } from './policy';

/** States that make `status` exit 1: `apply` refuses to run until they are resolved (or explicitly accepted). */
export const FAILING_STATES: ReadonlyArray<MigrationStatus['state']> = ['changed', 'out-of-order'];

const STATE_STYLE: Record<MigrationStatus['state'], Style> = {
  'applied': 'green',
  'baseline': 'green',
  'pending': 'yellow',
  'in-progress': 'yellow',
  'changed': 'red',
  'out-of-order': 'red',
  'missing': 'magenta',
  'rolled-back': 'magenta',
  'outdated': 'yellow',
};

export function registerStatus(program: Command): void {
  withOptions(
    program
      .command('status')
      .description('list every migration with its state: applied, baseline, pending, in-progress, changed, out-of-order, missing, rolled-back ' +
        '(repeatable R__ files: pending, applied, outdated, missing); exit 1 if any is changed or out-of-order'),
    'format', 'target', paramOption(),
  ).action((options: Pick<PolicyOptions, 'param'>, command: Command) =>
    runAction(command, async (output, { dir, format }) => {
      const target = resolveTarget(command);
      const migrations = loadMigrationSet(dir);
      output.detail(`target: ${target.description}`);
      const statuses = await readMigrationStatus(target.connect, migrations, parameterValues(options));
      const failing = statuses.filter((s) => FAILING_STATES.includes(s.state));
      const counts = countStates(statuses);
      if (format === 'json') {
        output.json('status', {
          ok: failing.length === 0,
          target: target.description,
          directory: dir,
          counts,
          migrations: statuses.map((s) => ({
            version: s.version,
            name: s.name,
            fileName: s.fileName ?? null,
            state: s.state,
            appliedAt: s.appliedAt ?? null,
            checksum: s.checksum ?? null,
            recordedChecksum: s.recordedChecksum ?? null,
            ...(s.statementsDone !== undefined ? { statementsDone: s.statementsDone } : {}),
            ...(s.repeatable ? { repeatable: true } : {}),
          })),
        });
      } else {
        if (statuses.length === 0) output.result(`No migrations in ${dir} and none recorded.`);
        else output.result(formatTable(['VERSION', 'NAME', 'STATE', 'APPLIED AT'], statuses.map(row), output.out));
        output.info('');
        output.info(Object.entries(counts).map(([state, n]) => `${n} ${state}`).join(', ') || 'nothing recorded');
        for (const s of failing) output.error(explain(s));
      }
      if (failing.length > 0) throw new ReportedFailure();
    }),
  );
}

function row(s: MigrationStatus): Cell[] {
  const state = s.state === 'in-progress' && s.statementsDone !== undefined
    ? `in-progress (${s.statementsDone} statements done)`
    : s.state === 'outdated' ? 'outdated (applied again by the next apply)' : s.state;
  return [s.version, s.name, { text: state, style: STATE_STYLE[s.state] }, s.appliedAt ? formatTime(s.appliedAt) : ''];
}

function countStates(statuses: ReadonlyArray<MigrationStatus>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of statuses) counts[s.state] = (counts[s.state] ?? 0) + 1;
  return counts;
}

/** `2026-11-25 22:10:01Z`: ISO 8601 to the second, UTC. */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

function explain(s: MigrationStatus): string {
  if (s.state === 'changed') {
    return `${s.fileName} was changed after it was applied (recorded checksum ${s.recordedChecksum}, file ${s.checksum}): restore it and put the change in a new migration, or apply with --accept-changed`;
  }
  return `${s.fileName} is older than the newest applied migration and was never applied: give it a later version, or apply with --out-of-order`;
}
