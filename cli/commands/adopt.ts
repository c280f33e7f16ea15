import { Command, Option } from 'commander';
import { ADOPT_SOURCES, adoptHistory, AdoptSource } from '../../src/engine';
import { loadMigrationSet } from '../migration-files';
import { withOptions } from '../options';
import { runAction } from '../run';
import { resolveTarget } from '../target';
import { plural } from './lint';

interface AdoptCommandOptions {
  readonly from: AdoptSource;
  readonly table?: string;
  readonly dryRun?: boolean;
}

export function registerAdopt(program: Command): void {
  withOptions(
    program
      .command('adopt')
      .description("record the files another tool applied (its history table) as applied, without running them; never alters that tool's table")
      .addOption(new Option('--from <tool>', 'the tool whose history to adopt').choices(Object.keys(ADOPT_SOURCES)).makeOptionMandatory())
      .addOption(new Option('--table <name>', "that tool's history table, name or schema.name (default: the tool's own; golang-migrate's and dbmate's must be renamed first)"))
      .addOption(new Option('--dry-run', 'check and show what would be recorded; write nothing')),
    'format', 'target',
  ).action((options: AdoptCommandOptions, command: Command) =>
    runAction(command, async (output, { dir, format }) => {
      const target = resolveTarget(command);
      const migrations = loadMigrationSet(dir);
      output.detail(`target: ${target.description}`);
      const result = await adoptHistory(target.connect, migrations, { from: options.from, table: options.table, dryRun: options.dryRun === true });
      if (format === 'json') {
        output.json('adopt', { ok: true, target: target.description, ...result });
        return;
      }
      for (const w of result.warnings) output.warn(w);
      if (result.alreadyAdopted) {
        output.info(`Nothing to adopt: ${options.from}'s history was adopted before; ${target.description} has records already.`);
        return;
      }
      for (const m of result.adopted) output.result(`${result.dryRun ? 'would adopt' : 'adopted'}  ${m.version}  ${m.name}`);
      const n = result.adopted.length;
      output.info(
        `${result.dryRun ? 'Dry run: would record' : 'Recorded'} ${n} file${plural(n)} from ${result.table} as adopted${result.dryRun ? '; nothing was written' : ''}. ` +
          `${result.pending.length} file${plural(result.pending.length)} after them ${result.pending.length === 1 ? 'is' : 'are'} left for apply.`,
      );
    }),
  );
}
