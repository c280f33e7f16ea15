import { Command, Option } from 'commander';
import { DEFAULT_DIR, DIR_ENV } from './migration-files';
import { Format } from './output';

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
    .addOption(new Option('-d, --dir <path>', 'folder of NNNN_description.sql files').env(DIR_ENV).default(DEFAULT_DIR))
    .addOption(new Option('-q, --quiet', 'print only errors and the result itself (no progress, summaries or warnings)'))
    .addOption(new Option('-v, --verbose', 'also print retries, reconnects, lock waits and the target').conflicts('quiet'))
    .addOption(new Option('--no-color', 'no ANSI colour (also off when NO_COLOR is set or the output is not a terminal)'));
}

export function formatOption(): Option {
  return new Option('--format <format>', 'output format; json documents carry a versioned "schema" field').choices(['text', 'json']).default('text');
}
