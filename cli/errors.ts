/** The exit codes, documented in `--help` and docs/cli.md. */
export const EXIT = {
  ok: 0,
  /** A migration, lint or state check failed. */
  failure: 1,
  /** The command line or the environment is wrong: nothing was attempted. */
  usage: 2,
} as const;

/** The user asked for something the tool cannot do as asked (bad flag, no target, missing folder). */
export class UsageError extends Error {
  public readonly exitCode = EXIT.usage;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * The command ran and found a failure it has already reported (lint errors, drift, a failed
 * statement): main() exits with 1 without printing anything more.
 */
export class ReportedFailure extends Error {
  public readonly exitCode = EXIT.failure;
  constructor(message = 'failure reported') {
    super(message);
    this.name = 'ReportedFailure';
  }
}
