import * as fs from 'fs';
import * as path from 'path';
import { AgreementReport, CASES_DIR, DisagreementLevel, DSQL_LINT_DIR, runAgreement } from './agreement';
import { describeWithShared } from '../support/shared';

interface Disagreement {
  readonly case: string;
  readonly level: DisagreementLevel;
  readonly category: 'fact-changed' | 'evidence-conflict' | 'deliberate' | 'gap';
  readonly reason: string;
}

const LISTED: Disagreement[] = JSON.parse(fs.readFileSync(path.join(__dirname, 'dsql-lint-disagreements.json'), 'utf8')).disagreements;
describeWithShared('agreement with AWS dsql-lint fixtures', () => {
  let report: AgreementReport;
  beforeAll(() => {
    report = runAgreement();
  });

  test('covers every fixture: 417 case folders, the grammar accept/reject files, and the in-tree mirror', () => {
    const ids = report.results.map((r) => r.id);
    expect(ids.filter((id) => id.startsWith('cases/')).length + report.unchecked.length).toBe(fs.readdirSync(CASES_DIR).filter((d) => /^\d{3}-/.test(d)).length);
    expect(ids.filter((id) => id.startsWith('grammar/')).length).toBe(
      fs.readdirSync(path.join(DSQL_LINT_DIR, 'grammar', 'accept')).length + fs.readdirSync(path.join(DSQL_LINT_DIR, 'grammar', 'reject')).length);
    // The in-tree mirror repeats the case folders' SQL; what it does not repeat becomes cases of its own.
    expect(report.inTreeCovered + ids.filter((id) => id.startsWith('in-tree/')).length).toBe(150);
    expect(report.unchecked.length).toBeLessThan(5);
  });

  test('fixtures/ holds the same two files as cases 416 and 417', () => {
    const same = (fixture: string, folder: string) =>
      fs.readFileSync(path.join(DSQL_LINT_DIR, 'fixtures', fixture), 'utf8') === fs.readFileSync(path.join(CASES_DIR, folder, 'input.sql'), 'utf8');
    expect([same('sample_migration.sql', '416-fixture-sample-migration'), same('clean_all_types.sql', '417-fixture-clean-all-types')]).toEqual([true, true]);
  });

  // Below 100% on purpose: every disagreement is listed with its reason (next test).
  test('at least 93% of cases agree on the verdict and the fix', () => {
    const share = report.agreed / report.results.length;
    console.log(`dsql-lint agreement: ${report.agreed}/${report.results.length} cases (${(100 * share).toFixed(1)}%) on verdict and fix; `
      + `${report.strictlyAgreed}/${report.results.length} (${(100 * report.strictlyAgreed / report.results.length).toFixed(1)}%) on every assertion`);
    expect(share).toBeGreaterThanOrEqual(0.93);
  });

  test('every disagreement is listed with its reason, and every listed one still disagrees', () => {
    const actual = report.results.filter((r) => !r.strictlyAgreed).map((r) => ({ case: r.id, level: r.level, failures: r.failures }));
    const unlisted = actual.filter((a) => !LISTED.some((l) => l.case === a.case));
    const stale = LISTED.filter((l) => !actual.some((a) => a.case === l.case && a.level === l.level));
    expect({ unlisted, stale }).toEqual({ unlisted: [], stale: [] });
    for (const l of LISTED) expect(l.reason.length).toBeGreaterThan(20);
  });

  test('docs/lint-agreement.md states the current figures and every disagreement', () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'lint-agreement.md'), 'utf8');
    const percent = (n: number) => `${(100 * n / report.results.length).toFixed(1)}%`;
    expect(doc).toContain(`**${report.agreed} of ${report.results.length} cases agree (${percent(report.agreed)})**`);
    expect(doc).toContain(`**${report.strictlyAgreed} of ${report.results.length} (${percent(report.strictlyAgreed)})**`);
    expect(LISTED.filter((l) => !doc.includes(`\`${l.case}\``)).map((l) => l.case)).toEqual([]);
  });
});
