import { Command } from 'commander';
import { RuleSetting } from '../../src/lint';
import { ReportedFailure } from '../errors';
import { Diagnostic, formatDiagnostic, lintOptions, lintSources } from '../lint-engine';
import { readMigrationSources } from '../migration-files';
import { withOptions } from '../options';
import { Palette } from '../output';
import { runAction } from '../run';

export function registerLint(program: Command): void {
  withOptions(
    program
      .command('lint')
      .description('check file names, versions and SQL for Aurora DSQL; exit 1 on any error'),
    'format', 'rule',
  ).action((options: { rule?: Record<string, RuleSetting> }, command: Command) =>
    runAction(command, (output, { dir, format }) => {
      const folder = readMigrationSources(dir);
      const { sources } = folder;
      const diagnostics = lintSources(dir, folder, lintOptions(options.rule));
      const errors = diagnostics.filter((d) => d.severity === 'error').length;
      const warnings = diagnostics.length - errors;
      if (format === 'json') {
        output.json('lint', { ok: errors === 0, directory: dir, files: sources.length, errors, warnings, diagnostics });
      } else {
        // --quiet keeps errors only, as eslint --quiet does.
        const shown = output.quiet ? diagnostics.filter((d) => d.severity === 'error') : diagnostics;
        for (const d of shown) output.result(colourDiagnostic(d, output.out));
        const summary = `${sources.length} file${plural(sources.length)} checked: ${errors} error${plural(errors)}, ${warnings} warning${plural(warnings)}`;
        output.info(errors > 0 ? output.out.red(summary) : summary);
      }
      if (errors > 0) throw new ReportedFailure();
    }),
  );
}

export function colourDiagnostic(d: Diagnostic, c: Palette): string {
  return formatDiagnostic(d, (severity) => (severity === 'error' ? c.red(severity) : c.yellow(severity)));
}

export const plural = (n: number) => (n === 1 ? '' : 's');
