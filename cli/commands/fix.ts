import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import { decodeSqlFile } from '../../src/engine/migration-folder';
import { MigrationValidationError, normalizeSql } from '../../src/engine/migration-set';
import { RuleSetting } from '../../src/lint';
import { unifiedDiff } from '../diff';
import { ReportedFailure, UsageError } from '../errors';
import { Diagnostic, fixSource, lintOptions } from '../lint-engine';
import { readMigrationSources } from '../migration-files';
import { formatOption } from '../options';
import { runAction } from '../run';
import { colourDiagnostic, plural, ruleOption } from './lint';

interface FixOptions {
  readonly write?: boolean;
  readonly rule?: Record<string, RuleSetting>;
}

export function registerFix(program: Command): void {
  program
    .command('fix')
    .description('rewrite what the lint rules know how to fix; without --write, print a unified diff and exit 1 if a file would change')
    .argument('<path>', 'a migration file, or a folder of them')
    .option('-w, --write', 'write the fixed files in place')
    .addOption(formatOption())
    .addOption(ruleOption())
    .addHelpText('after', '\nFix files before they are applied anywhere: a changed file no longer matches the checksum recorded when it was applied.')
    .action((target: string, options: FixOptions, command: Command) =>
      runAction(command, (output, { format }) => {
        const files = filesToFix(target);
        const opts = lintOptions(options.rule);
        const reports = files.map(({ file, sql }) => {
          const result = fixSource(file, sql, opts);
          // The fixer works on LF text; a file written with CRLF keeps its line endings.
          const fixed = /\r\n/.test(sql) ? result.sql.replace(/\n/g, '\r\n') : result.sql;
          const changed = result.applied.length > 0 && result.sql !== normalizeSql(sql);
          if (changed && options.write) fs.writeFileSync(file, fixed);
          const remaining: Diagnostic[] = result.remaining.map(({ fileName, ...d }) => ({ file: fileName, ...d }));
          const diff = changed ? unifiedDiff(normalizeSql(sql), result.sql, `a/${toPosix(file)}`, `b/${toPosix(file)}`) : '';
          return { file, changed, fixes: result.applied, remaining, diff };
        });
        const pending = !options.write && reports.some((r) => r.changed);
        const errors = reports.flatMap((r) => r.remaining).filter((d) => d.severity === 'error').length;

        if (format === 'json') {
          output.json('fix', {
            ok: !pending && errors === 0,
            write: options.write === true,
            files: reports.map(({ diff, ...r }) => (options.write ? r : { ...r, diff })),
          });
        } else {
          for (const r of reports) {
            if (!options.write && r.diff) output.result(r.diff.trimEnd());
            for (const f of r.fixes) {
              const text = `${r.file}:${f.line} ${f.ruleId}: ${f.message}${f.note ? ` (${f.note})` : ''}`;
              if (f.changesBehaviour) output.warn(`changes behaviour: ${text}`);
              else output.detail(text);
            }
            if (options.write && r.changed) output.info(`fixed ${r.file}: ${r.fixes.length} fix${r.fixes.length === 1 ? '' : 'es'}`);
            for (const d of r.remaining.filter((x) => x.severity === 'error' || !output.quiet)) output.errorDetail(colourDiagnostic(d, output.err));
          }
          const changedCount = reports.filter((r) => r.changed).length;
          const verb = options.write ? 'fixed' : 'would be fixed';
          output.notice(`${changedCount} of ${reports.length} file${plural(reports.length)} ${verb}; ${errors} error${plural(errors)} left that fix cannot rewrite`);
        }
        if (pending || errors > 0) throw new ReportedFailure();
      }),
    );
}

function filesToFix(target: string): Array<{ file: string; sql: string }> {
  if (!fs.existsSync(target)) throw new UsageError(`no such file or folder: ${target}`);
  if (fs.statSync(target).isDirectory()) {
    const { sources, problems } = readMigrationSources(target);
    if (problems.length > 0) throw new MigrationValidationError(target, problems);
    return sources.map((s) => ({ file: path.join(target, s.fileName), sql: s.sql }));
  }
  const decoded = decodeSqlFile(path.basename(target), fs.readFileSync(target));
  if ('problem' in decoded) throw new MigrationValidationError(path.dirname(target), [decoded.problem]);
  return [{ file: target, sql: decoded.sql }];
}

const toPosix = (p: string) => p.split(path.sep).join('/');
