import * as fs from 'fs';
import * as path from 'path';
import { LOADER_RULES, MigrationValidationError, parseMigrations } from '../../src/engine';
import { lintMigrations, RULES_BY_ID } from '../../src/lint';

// One name per problem: the loader (status, plan, apply --no-lint, the handler) and the lint
// (lint, apply, cdk synth) must report a problem they both find under the same rule id.
function loaderRules(fileName: string, sql: string): string[] {
  try {
    parseMigrations([{ fileName, sql }]);
    return [];
  } catch (e) {
    if (!(e instanceof MigrationValidationError)) throw e;
    return e.problems.map((p) => p.rule);
  }
}

describe('rule ids of the loader and the lint', () => {
  test.each([
    ['a file the splitter cannot split', "SELECT 'unterminated;\n", LOADER_RULES.syntax],
    ['an unbalanced transaction block', 'BEGIN;\nINSERT INTO t VALUES (1);\n', LOADER_RULES.transactionBlock],
  ])('%s: the same id from both', (_, sql, id) => {
    expect(loaderRules('0001_x.sql', sql)).toEqual([id]);
    expect(lintMigrations([{ fileName: '0001_x.sql', sql }]).map((d) => d.ruleId)).toContain(id);
  });

  test('only those two loader ids are lint rules too: no lint rule reuses a loader id for another problem', () => {
    const shared = Object.values(LOADER_RULES).filter((id) => RULES_BY_ID.has(id)).sort();
    expect(shared).toEqual([LOADER_RULES.syntax, LOADER_RULES.transactionBlock].sort());
  });

  test('no code outside the rule tables spells a rule id: engine, check, CLI and handler use LOADER_RULES', () => {
    const root = path.join(__dirname, '..', '..');
    const literal = /\b(?:rule|ruleId)\s*:\s*'[a-z-]+'/;
    const offenders: string[] = [];
    for (const folder of ['src', 'cli', 'lambda']) {
      for (const file of fs.readdirSync(path.join(root, folder), { recursive: true }) as string[]) {
        const rel = path.join(folder, file);
        if (!rel.endsWith('.ts') || rel.startsWith(path.join('src', 'lint', 'rules'))) continue;
        const text = fs.readFileSync(path.join(root, rel), 'utf8');
        text.split('\n').forEach((line, i) => {
          if (literal.test(line)) offenders.push(`${rel}:${i + 1}: ${line.trim()}`);
        });
      }
    }
    expect(offenders).toEqual([]);
  });
});
