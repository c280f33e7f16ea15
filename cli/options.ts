import { Command, Option } from 'commander';
import { policyOptions } from './commands/policy';
import { noLintOption, ruleOption } from './lint-engine';
import { DEFAULT_DIR, DIR_ENV } from './migration-files';
import { Format } from './output';
import { targetOptions } from './target';

/** Options every command has (declared on the program, read with `optsWithGlobals`). */
export interface CommonOptions {
  readonly dir: string;
  readonly quiet?: boolean;
  readonly verbose?: boolean;
  readonly color: boolean;
  readonly format?: Format;
}

export function addCommonOptions(program: Command): Command {
  return program
    .addOption(new Option('-d, --dir <path>', 'folder of the migration files, NNNN_description.sql and R__description.sql').env(DIR_ENV).default(DEFAULT_DIR))
    .addOption(new Option('-q, --quiet', 'print only errors and the result itself (no progress, summaries or warnings)'))
    .addOption(new Option('-v, --verbose', 'also print retries, reconnects, lock waits and the target').conflicts('quiet'))
    .addOption(new Option('--no-color', 'no ANSI colour (also off when NO_COLOR is set or the output is not a terminal)'));
}

export function formatOption(): Option {
  return new Option('--format <format>', 'output format; json documents carry a versioned "schema" field').choices(['text', 'json']).default('text');
}

/**
 * The option sets commands share, each defined beside the code that reads it:
 * - `format`: --format text|json;
 * - `target`: where the command connects (--url, --endpoint, --region, --user, --connect-timeout,
 *   --dialect; cli/target.ts), the same for every command that connects;
 * - `policy`: what apply runs (--accept-changed, --out-of-order, --baseline, --param; commands/policy.ts);
 * - `lint`: the lint run before anything else (--no-lint and --rule; cli/lint-engine.ts);
 * - `rule`: --rule alone, for the commands that only lint.
 */
export type OptionSet = 'format' | 'target' | 'policy' | 'lint' | 'rule';

/** Adds option sets, and a command's own options, in the order given: the order its help lists them. */
export function withOptions(command: Command, ...parts: Array<OptionSet | Option>): Command {
  for (const part of parts) for (const option of optionsOf(command, part)) command.addOption(option);
  return command;
}

function optionsOf(command: Command, part: OptionSet | Option): Option[] {
  if (part instanceof Option) return [part];
  switch (part) {
    case 'format': return [formatOption()];
    case 'target': return targetOptions();
    case 'policy': return policyOptions();
    case 'lint': return [noLintOption(command.name()), ruleOption()];
    case 'rule': return [ruleOption()];
  }
}
