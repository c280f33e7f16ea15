/**
 * Measurement 6: statements linted per second on the corpus (`lintMigrations`, every rule on), beside
 * what validation alone costs (`parseMigrations`: names, splitting, transaction shape, checksums).
 */
import { median, timeMs } from './stats';
import { MigrationSource, parseMigrations } from '../src/engine';
import { lintMigrations } from '../src/lint';

export interface LintMeasurement {
  readonly statements: number;
  readonly lintMs: number;
  readonly parseMs: number;
  /** Diagnostics on the corpus by rule id and severity (the corpus is meant to be nearly clean). */
  readonly diagnostics: Record<string, number>;
}

export async function measureLint(sources: ReadonlyArray<MigrationSource>, runs: number): Promise<LintMeasurement> {
  const statements = parseMigrations(sources).reduce((n, m) => n + m.statements.length, 0);
  const diagnostics: Record<string, number> = {};
  for (const d of lintMigrations(sources)) {
    const key = `${d.ruleId} (${d.severity})`;
    diagnostics[key] = (diagnostics[key] ?? 0) + 1;
  }
  const lint: number[] = [];
  const parse: number[] = [];
  for (let i = 0; i < runs; i++) {
    lint.push(await timeMs(async () => lintMigrations(sources)));
    parse.push(await timeMs(async () => parseMigrations(sources)));
  }
  return { statements, lintMs: median(lint), parseMs: median(parse), diagnostics };
}
