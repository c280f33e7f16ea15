import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import { latestVersion, looksLikeMigration, parseMigrationFileName, parseRepeatableFileName, toSnakeCase } from '../../src/engine';
import { DRAFT_MARKER } from '../../src/lint/rules';
import { UsageError } from '../errors';
import { formatOption } from '../options';
import { runAction } from '../run';

/** Words of letters and digits, separated by spaces, hyphens or underscores; camelCase splits too. */
const DESCRIPTION = /^[A-Za-z0-9]+(?:[\s_-]+[A-Za-z0-9]+)*$/;

/**
 * The draft's last comment line: what to do with the file, for whoever opens it. Lint (and so synth
 * and apply) refuses the file while the line is there: applied empty, the file would be recorded and
 * would turn "changed" once written.
 */
export const DRAFT_LINE = `-- ${DRAFT_MARKER}: write the statements of this migration below, then delete this line.`;

/** A repeatable draft's reminder: the whole file runs again after any change or failure. */
export const REPEATABLE_LINE = '-- Applied after the versioned files, and again whole whenever its text or the parameter values it uses change: ' +
  'every statement must be re-runnable (CREATE OR REPLACE VIEW/FUNCTION, DROP ... IF EXISTS, GRANT).';

export interface NewMigration {
  readonly version: string;
  readonly name: string;
  readonly fileName: string;
}

/**
 * The next file of a folder: one past the highest version, zero-padded to the width of that
 * version (so `0007` is followed by `0008`, and `9999` by `10000`).
 */
export function nextMigration(existingFileNames: ReadonlyArray<string>, description: string): NewMigration {
  const name = snakeCaseName(description);
  const versions = existingFileNames.map((f) => parseMigrationFileName(f)?.version).filter((v): v is string => v !== undefined);
  const latest = latestVersion(versions);
  const version = latest === undefined ? '0001' : (BigInt(latest) + 1n).toString().padStart(latest.length, '0');
  return { version, name, fileName: `${version}_${name}.sql` };
}

/** A repeatable file, `R__<description>.sql`: it has no version, and is applied again whenever it changes. */
export function newRepeatable(description: string): NewMigration {
  const name = snakeCaseName(description);
  const fileName = `R__${name}.sql`;
  return { version: parseRepeatableFileName(fileName)!.key, name, fileName };
}

function snakeCaseName(description: string): string {
  const name = toSnakeCase(description.trim());
  if (!DESCRIPTION.test(description.trim()) || !parseMigrationFileName(`0001_${name}.sql`)) {
    throw new UsageError(
      `cannot make a snake_case file name of ${JSON.stringify(description)}: use words of ASCII letters and digits separated by spaces, '-' or '_' (e.g. "add users table")`,
    );
  }
  return name;
}

export function registerNew(program: Command): void {
  program
    .command('new')
    .description('create the next migration file, NNNN_<description>.sql (or with --repeatable R__<description>.sql), with a header comment')
    .argument('<description>', 'what the migration does, e.g. "add users table" (becomes add_users_table)')
    .option('--from <file>', 'start the file with this SQL, e.g. what drizzle-kit generate or prisma migrate diff wrote')
    .option('--repeatable', 'create R__<description>.sql: applied after the versioned files, and again whenever its text or parameter values change (views, functions, grants)')
    .addOption(formatOption())
    .action((description: string, options: { from?: string; repeatable?: boolean }, command: Command) =>
      runAction(command, (output, { dir, format }) => {
        if (options.from !== undefined && !fs.existsSync(options.from)) throw new UsageError(`--from: no such file: ${options.from}`);
        if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) throw new UsageError(`${dir} is not a folder`);
        const existing = fs.existsSync(dir) ? fs.readdirSync(dir).filter(looksLikeMigration) : [];
        const next = options.repeatable ? newRepeatable(description) : nextMigration(existing, description);
        if (options.repeatable && existing.includes(next.fileName)) throw new UsageError(`${path.join(dir, next.fileName)} already exists: edit it (the next deploy applies it again)`);
        const draft = options.from === undefined;
        const contents = [
          `-- ${options.repeatable ? 'repeatable' : next.version} ${next.name.replace(/_/g, ' ')}`,
          ...(options.repeatable ? [REPEATABLE_LINE] : []),
          '-- Aurora DSQL runs each DDL statement in its own transaction; keep DML that must commit together in BEGIN; ... COMMIT;',
          // Without --from the file is a draft, refused by lint (draft-file) until its draft line is deleted.
          ...(draft ? [DRAFT_LINE] : []),
          '',
          draft ? '' : fs.readFileSync(options.from!, 'utf8'),
        ].join('\n');
        // The first migration of a project creates its folder.
        fs.mkdirSync(dir, { recursive: true });
        const file = path.join(dir, next.fileName);
        // 'wx' never overwrites: two `new` runs racing for one version fail instead.
        fs.writeFileSync(file, contents, { flag: 'wx' });
        if (format === 'json') output.json('new', { file, version: next.version, name: next.name });
        else if (output.quiet) output.result(file);
        else output.result(`Created ${file}`);
        if (draft && format !== 'json') output.notice(`${file} is a draft: write its statements, then delete its "-- ${DRAFT_MARKER}" line (lint, cdk synth and apply refuse it until then).`);
      }),
    );
}
