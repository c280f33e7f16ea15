import { InvalidArgumentError, Option } from 'commander';
import { checkedMigrations } from '../../src/check';
import { isVersion, Migration, parseParameterOptions, RunOptions, unusedParameterMessage, unusedParameters } from '../../src/engine';
import { LintOptions } from '../../src/lint';
import { readMigrationSources } from '../migration-files';
import { Output } from '../output';

/** The flags that decide what `apply` runs; `plan` takes them too, so it shows what `apply` would do. */
export interface PolicyOptions {
  readonly acceptChanged?: boolean;
  readonly outOfOrder?: boolean;
  readonly baseline?: string;
  /** apply only (`strictOption`): plan sends no statement that strict mode could refuse. */
  readonly strict?: boolean;
  /** `--param name=value`, repeated. */
  readonly param?: string[];
  /** apply only (`oneMessageOption`). */
  readonly oneMessageTransactions?: boolean;
}

/** The policy options (cli/options.ts adds them to `plan` and `apply`); `runOptions` and `selectWork` read them. */
export function policyOptions(): Option[] {
  return [
    new Option('--accept-changed', 'accept files changed after they were applied (warn instead of failing)'),
    new Option('--out-of-order', 'apply files older than the newest applied version that were never applied'),
    new Option(
      '--baseline <version>',
      'adopt a database that already holds the schema: when nothing is recorded, record the files up to <version> without running them',
    ).argParser(baselineVersion),
    paramOption(),
  ];
}

/** `--param name=value`, for apply and plan, and for status (a repeatable file's state depends on the values it uses). */
export function paramOption(): Option {
  return new Option('--param <name=value>', 'a value for the files\' ${{ name }} placeholders (one flag per name); inserted as text, never printed')
    .argParser((value: string, previous: string[] = []) => [...previous, value]);
}

/**
 * The folder's migrations for `apply` and `plan`, checked as synth checks them: a placeholder with
 * no `--param` fails (unknown-parameter), a `--param` no file uses is a warning.
 */
export function checkedWithParameters(dir: string, o: PolicyOptions, lint: LintOptions | false, output: Output): Migration[] {
  const values = parameterValues(o);
  const folder = readMigrationSources(dir);
  const migrations = checkedMigrations(dir, folder, lint, Object.keys(values));
  for (const name of unusedParameters(folder.sources.map((f) => f.sql), Object.keys(values))) {
    output.warn(`${dir} warning unused-parameter ${unusedParameterMessage(name)}`);
  }
  return migrations;
}

export function parameterValues(o: Pick<PolicyOptions, 'param'>): Record<string, string> {
  try {
    return parseParameterOptions(o.param ?? []);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

export function strictOption(): Option {
  return new Option('--strict', 'refuse on PostgreSQL what DSQL refuses in a transaction (two DDL statements, or DDL with DML), as DSQL would');
}

export function oneMessageOption(): Option {
  return new Option(
    '--one-message-transactions',
    'on DSQL too, send each data change with the runner\'s bookkeeping write as one message (fewer round trips; PostgreSQL does so by default; test it against your cluster first)',
  ).env('DSQL_MIGRATIONS_ONE_MESSAGE_TRANSACTIONS');
}

function baselineVersion(value: string): string {
  if (!isVersion(value)) throw new InvalidArgumentError('a version is digits, e.g. 0005');
  return value;
}

export function runOptions(o: PolicyOptions): Pick<RunOptions, 'onChangedFile' | 'outOfOrder' | 'baselineVersion' | 'strict' | 'parameters' | 'oneMessageTransactions'> {
  return {
    parameters: parameterValues(o),
    onChangedFile: o.acceptChanged ? 'accept' : 'fail',
    outOfOrder: o.outOfOrder ? 'apply' : 'fail',
    baselineVersion: o.baseline,
    strict: o.strict === true,
    ...(o.oneMessageTransactions ? { oneMessageTransactions: true } : {}),
  };
}
