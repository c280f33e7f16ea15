import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import { registerAdopt } from './commands/adopt';
import { registerApply } from './commands/apply';
import { registerFix } from './commands/fix';
import { registerLint } from './commands/lint';
import { registerNew } from './commands/new';
import { registerPlan } from './commands/plan';
import { registerStatus } from './commands/status';
import { DIR_ENV } from './migration-files';
import { addCommonOptions } from './options';
import { TARGET_ENV } from './target';

/** The package's version: the bundle lives in <package>/assets/cli/. */
function packageVersion(): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

/** One line per variable, the meanings in a column two spaces past the longest name. */
function environmentLines(rows: ReadonlyArray<[string, string]>): string {
  const width = Math.max(...rows.map(([name]) => name.length)) + 2;
  return rows.map(([name, meaning]) => `  ${name.padEnd(width)}${meaning}`).join('\n');
}

const HELP_FOOTER = `
Targets (status, plan, apply, adopt):
  --url postgres://user:password@host:5432/db   PostgreSQL (local development, tests, CI)
  --endpoint <id>.dsql.<region>.on.aws           Aurora DSQL: IAM token from the default AWS credential chain
  A flag wins over the environment; ${TARGET_ENV.url} or ${TARGET_ENV.endpoint} (not both) over ${TARGET_ENV.fallbackUrl},
  and that over PGHOST. Keep passwords out of --url (ps shows it): use ${TARGET_ENV.url} or PGPASSWORD.

Environment:
${environmentLines([
  [DIR_ENV, 'migrations folder (--dir)'],
  [TARGET_ENV.url, 'PostgreSQL URL (--url)'],
  [TARGET_ENV.endpoint, 'DSQL cluster endpoint (--endpoint)'],
  [TARGET_ENV.user, 'DSQL database role (--user, default admin)'],
  [TARGET_ENV.fallbackUrl, 'PostgreSQL URL when no other target is given'],
  ['PGHOST, PGPORT, PGUSER...', 'PostgreSQL as for psql, with no URL; PGPASSWORD also fills a URL without one'],
  [TARGET_ENV.connectTimeout, 'seconds to wait for a server to answer (--connect-timeout, default 30)'],
  [TARGET_ENV.dialect, 'dsql for a local DSQL emulator that speaks PostgreSQL (--dialect)'],
  ['AWS_REGION, AWS_PROFILE...', 'region and credentials for DSQL (default credential chain)'],
  ['NO_COLOR', 'no colour (colour is only ever used on a terminal)'],
])}

Exit codes:
  0  success
  1  a migration, lint or state check failed (including status with changed or out-of-order files)
  2  usage error: unknown command or flag, no target, missing folder; nothing was attempted
`;

export function createProgram(): Command {
  const program = new Command('dsql-migrations')
    .description('Versioned SQL migrations for Amazon Aurora DSQL, and the same files on local PostgreSQL.')
    .version(packageVersion(), '-V, --version')
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError('(run dsql-migrations --help for usage)')
    .addHelpText('after', HELP_FOOTER);
  addCommonOptions(program);
  registerNew(program);
  registerLint(program);
  registerFix(program);
  registerStatus(program);
  registerPlan(program);
  registerApply(program);
  registerAdopt(program);
  for (const command of program.commands) command.addHelpText('after', '\nExit codes: 0 success, 1 failure, 2 usage error. See dsql-migrations --help for targets and environment variables.');
  return program;
}
