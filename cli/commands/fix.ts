import * as fs from 'fs';
import * as path from 'path';
import { Command, Option } from 'commander';
import { decodeSqlFile, MigrationValidationError, normalizeSql } from '../../src/engine';
import { RuleSetting } from '../../src/lint';
import { unifiedDiff } from '../diff';
import { ReportedFailure, UsageError } from '../errors';
import { scratchDatabasesOn, VerifyReport, verifyFixes } from '../fix-verify';
import { Diagnostic, fixSource, lintOptions } from '../lint-engine';
import { readMigrationSources } from '../migration-files';
import { withOptions } from '../options';
import { Output } from '../output';
import { runAction } from '../run';
import { maskConnectionString, TARGET_ENV } from '../target';
import { colourDiagnostic, plural } from './lint';

interface FixOptions {
  readonly write?: boolean;
  readonly rule?: Record<string, RuleSetting>;
  readonly includeWarnings?: boolean;
  readonly verify?: boolean;
  readonly url?: string;
}

export function registerFix(program: Command): void {
  withOptions(
    program
      .command('fix')
      .description('rewrite what the lint rules know how to fix; without --write, print a unified diff and exit 1 if a file would change')
      .argument('<path>', 'a migration file, or a folder of them')
      .option('-w, --write', 'write the fixed files in place')
      .option('--include-warnings', 'also apply the fixes of warning-level rules (IF [NOT] EXISTS, JSONB to JSON)')
      .option('--verify', 'apply the original and the fixed files to scratch databases on a PostgreSQL server (--url) in DSQL-strict mode, and fail when a fixed file fails where its original applied')
      .addOption(new Option('--url <url>', 'PostgreSQL server for --verify (needs CREATEDB); scratch databases are created and dropped').env(TARGET_ENV.url)),
    'format', 'rule',
  )
    .addHelpText('after', '\nFix files before they are applied anywhere: a changed file no longer matches the checksum recorded when it was applied.')
    .action((target: string, options: FixOptions, command: Command) =>
      runAction(command, async (output, { format }) => {
        const files = filesToFix(target);
        const verifyUrl = options.verify ? serverUrl(options.url) : undefined;
        const opts = { ...lintOptions(options.rule), includeWarnings: options.includeWarnings === true };
        const reports = files.map(({ file, sql }) => {
          const result = fixSource(file, sql, opts);
          // The fixer works on LF text; a file written with CRLF keeps its line endings.
          const written = /\r\n/.test(sql) ? result.sql.replace(/\n/g, '\r\n') : result.sql;
          const changed = result.applied.length > 0 && result.sql !== normalizeSql(sql);
          const remaining: Diagnostic[] = result.remaining.map(({ fileName, ...d }) => ({ file: fileName, ...d }));
          const diff = changed ? unifiedDiff(normalizeSql(sql), result.sql, `a/${toPosix(file)}`, `b/${toPosix(file)}`) : '';
          return { file, changed, fixes: result.applied, remaining, diff, original: normalizeSql(sql), fixed: result.sql, written };
        });
        const verified = verifyUrl ? await verify(verifyUrl, reports) : undefined;
        const regressions = verified?.regressions.length ?? 0;
        // With --verify, nothing is written unless every fixed file applies where its original did.
        const write = options.write === true && regressions === 0;
        if (write) for (const r of reports) if (r.changed) fs.writeFileSync(r.file, r.written);
        const pending = !write && reports.some((r) => r.changed);
        const errors = reports.flatMap((r) => r.remaining).filter((d) => d.severity === 'error').length;

        if (format === 'json') {
          output.json('fix', {
            ok: !pending && errors === 0 && regressions === 0,
            write,
            files: reports.map(({ diff, original, fixed, written, ...r }) => (write ? r : { ...r, diff })),
            ...(verified ? { verify: verified } : {}),
          });
        } else {
          for (const r of reports) {
            if (!write && r.diff) output.result(r.diff.trimEnd());
            // Every fix is listed (the count below counts these lines); a behaviour change as a warning.
            for (const f of r.fixes) {
              const text = `${r.file}:${f.line} ${f.ruleId}: ${f.message}${f.note ? ` (${f.note})` : ''}`;
              if (f.changesBehaviour) output.warn(`changes behaviour: ${text}`);
              else output.notice(text);
            }
            if (write && r.changed) output.info(`fixed ${r.file}: ${r.fixes.length} fix${r.fixes.length === 1 ? '' : 'es'}`);
            for (const d of r.remaining.filter((x) => x.severity === 'error' || !output.quiet)) output.errorDetail(colourDiagnostic(d, output.err));
          }
          const changedCount = reports.filter((r) => r.changed).length;
          const verb = write ? 'fixed' : 'would be fixed';
          output.notice(`${changedCount} of ${reports.length} file${plural(reports.length)} ${verb}; ${errors} error${plural(errors)} left that fix cannot rewrite`);
          if (verified) printVerification(verified, output);
        }
        if (pending || errors > 0 || regressions > 0) throw new ReportedFailure();
      }),
    );
}

function serverUrl(url: string | undefined): string {
  if (!url) throw new UsageError(`--verify needs a PostgreSQL server: pass --url <postgres-url> or set ${TARGET_ENV.url}`);
  if (!/^postgres(ql)?:\/\//.test(url)) throw new UsageError(`--url must start with postgres:// or postgresql:// (got ${maskConnectionString(url)})`);
  return url;
}

async function verify(url: string, reports: ReadonlyArray<{ file: string; original: string; fixed: string }>): Promise<VerifyReport> {
  const databases = scratchDatabasesOn(url);
  try {
    const set = (pick: (r: { original: string; fixed: string }) => string) => reports.map((r) => ({ fileName: path.basename(r.file), sql: pick(r) }));
    return await verifyFixes(set((r) => r.original), set((r) => r.fixed), databases);
  } finally {
    await databases.dropAll();
  }
}

function printVerification(v: VerifyReport, output: Output): void {
  for (const f of v.regressions) output.errorDetail(`${f.fileName}: the fixed file fails where the original applied: ${f.fixed.ok ? '' : f.fixed.error}`);
  const rewritten = v.files.filter((f) => f.changed);
  const applying = rewritten.filter((f) => f.fixed.ok).length;
  output.notice(`verify (DSQL-strict mode): ${applying} of ${rewritten.length} rewritten file${plural(rewritten.length)} apply; `
    + `${v.regressions.length} fail where the original applied`);
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
