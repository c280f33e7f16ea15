import { CommanderError } from 'commander';
import { EXIT, UsageError } from './errors';
import { createProgram } from './program';

/**
 * The `dsql-migrations` command. Exit codes: 0 success, 1 migration or lint failure, 2 usage error.
 * Commander's own exits (help, version, bad flags) are routed here so that they follow that scheme.
 */
async function main(argv: string[]): Promise<void> {
  const program = createProgram();
  program.exitOverride();
  for (const command of program.commands) command.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`error: ${e.message}\n`);
      process.exitCode = EXIT.usage;
      return;
    }
    if (!(e instanceof CommanderError)) throw e;
    // Help and version exit 0; everything else commander refuses is a usage error.
    process.exitCode = e.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
}

// `dsql-migrations plan | head` closes stdout early: stop quietly, as other command-line tools do.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? EXIT.ok);
  throw e;
});

main(process.argv).catch((e) => {
  process.stderr.write(`error: ${(e as Error)?.message ?? String(e)}\n`);
  process.exitCode = EXIT.failure;
});
