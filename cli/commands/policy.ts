import { Command, InvalidArgumentError, Option } from 'commander';
import { isVersion, RunOptions } from '../../src/engine';

/** The flags that decide what `apply` runs; `plan` takes them too, so it shows what `apply` would do. */
export interface PolicyOptions {
  readonly acceptChanged?: boolean;
  readonly outOfOrder?: boolean;
  readonly baseline?: string;
  /** apply only (`strictOption`): plan sends no statement that strict mode could refuse. */
  readonly strict?: boolean;
}

export function addPolicyOptions(command: Command): Command {
  return command
    .addOption(new Option('--accept-changed', 'accept files changed after they were applied (warn instead of failing)'))
    .addOption(new Option('--out-of-order', 'apply files older than the newest applied version that were never applied'))
    .addOption(
      new Option(
        '--baseline <version>',
        'adopt a database that already holds the schema: when nothing is recorded, record the files up to <version> without running them',
      ).argParser(baselineVersion),
    );
}

export function strictOption(): Option {
  return new Option('--strict', 'refuse on PostgreSQL what DSQL refuses in a transaction (two DDL statements, or DDL with DML), as DSQL would');
}

function baselineVersion(value: string): string {
  if (!isVersion(value)) throw new InvalidArgumentError('a version is digits, e.g. 0005');
  return value;
}

export function runOptions(o: PolicyOptions): Pick<RunOptions, 'onChangedFile' | 'outOfOrder' | 'baselineVersion' | 'strict'> {
  return {
    onChangedFile: o.acceptChanged ? 'accept' : 'fail',
    outOfOrder: o.outOfOrder ? 'apply' : 'fail',
    baselineVersion: o.baseline,
    strict: o.strict === true,
  };
}
