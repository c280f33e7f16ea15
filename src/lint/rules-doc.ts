/**
 * Renders docs/lint-rules.md from the rule values, so the documentation cannot drift from the
 * rules: `npx projen docs:lint-rules` writes it, and a test checks that the committed file is current.
 */
import { RuleCategory, RuleInfo, RULES } from './rules';

const SECTIONS: ReadonlyArray<readonly [RuleCategory, string]> = [
  ['compatibility', 'DSQL compatibility'],
  ['transaction', 'Transaction shape'],
  ['runner', 'Runner file shape'],
  ['rerunnability', 'Re-runnability'],
  ['limits', 'Limits'],
  ['meta', 'Suppressions'],
];

const INTRO = `# Lint rules

\`src/lint\` checks migration SQL for Aurora DSQL before it reaches a cluster: at \`cdk synth\`, in
the CLI and through the API (\`lintSql\`, \`lintMigrations\`, \`fixSql\`). It needs no database and no
npm dependency. Each rule has a stable id, a default severity, a one-line message (diagnostics
add detail), the DSQL documentation it rests on, and the section of [\`docs/dsql-facts.md\`](dsql-facts.md)
behind it. **Fixable** means \`fixSql\` can rewrite at least some occurrences; every diagnostic says
whether it can rewrite that one (\`fixable\` in the diagnostic).

The rules follow DSQL as it is now, not the early "unsupported" lists. They do **not** flag:
foreign keys (inline, table-level, or \`ADD CONSTRAINT ... NOT VALID\`; enforced since Aug 26, 2026),
\`DROP COLUMN\` and \`RENAME\` (Aug 2026), identity columns and sequences with a valid \`CACHE\`
(Feb 2026), identity actions such as \`ALTER COLUMN ... ADD GENERATED ... AS IDENTITY (CACHE 1)\`,
expression indexes (Aug 13, 2026), partial indexes (Sep 15, 2026), views, \`CREATE DOMAIN\`,
\`LANGUAGE SQL\` functions, \`JSON\` columns, \`INCLUDE\` and \`NULLS [NOT] DISTINCT\` in indexes.
`;

const FIX_INTRO = `## What \`fixSql\` rewrites

\`fixSql(sql, options)\` returns \`{ sql, applied, remaining }\`. Each entry of \`applied\` has the rule
id, the input line, what was done, \`changesBehaviour\`, and a note. \`remaining\` lists what no fix
could rewrite. Rules that are \`'off'\` or suppressed are not fixed, and rules at warning level only
with \`includeWarnings: true\` (\`fix --include-warnings\`): their evidence is weaker, and their
rewrites (\`JSONB\` to \`JSON\`) can break later files. A rewrite that only changes the
spelling has \`changesBehaviour: false\`; one whose result behaves differently says so with \`true\`
and a note:
`;

const FIX_OUTRO = `Fixes that enable others (a split \`ADD COLUMN\` inside a \`BEGIN ... COMMIT\` block, then the block)
are applied in a few passes; running \`fixSql\` on its own output changes nothing. \`fix --verify\`
applies the original and the fixed files to PostgreSQL in DSQL-strict mode and names any fixed
file that fails where its original applied (see docs/cli.md).
`;

const SUPPRESSIONS = `## Suppressions and severities

\`\`\`sql
-- dsql-migrations-ignore index-requires-async, create-without-if-not-exists  (reason, optional)
CREATE INDEX idx ON t (c);

-- dsql-migrations-ignore-file unbounded-dml
\`\`\`

The first form applies to the next statement, the second to the whole file. A suppression that
silences nothing, names an unknown rule or has no statement after it is reported as
\`unused-suppression\`. Severities are set per rule with \`{ rules: { 'rule-id': 'error' | 'warning' |
'off' } }\`; an unknown rule id is an error, so a typo cannot switch a rule off silently.
`;

export function rulesMarkdown(rules: ReadonlyArray<RuleInfo> = RULES): string {
  const out = [INTRO];
  for (const [category, title] of SECTIONS) {
    out.push(`### ${title}\n`, '| Rule id | Severity | Fixable | Message | DSQL doc | docs/dsql-facts.md / since |', '|---|---|---|---|---|---|');
    for (const r of rules.filter((x) => x.category === category)) {
      const page = r.docUrl.split('/').pop();
      out.push(`| \`${r.id}\` | ${r.severity} | ${r.fixable ? 'yes' : 'no'} | ${cell(r.message)} | [${page}](${r.docUrl}) | ${r.fact} |`);
    }
    out.push('');
  }
  out.push('## Notes on particular rules\n', ...rules.filter((r) => r.notes).map((r) => `- ${r.notes}`), '');
  out.push(FIX_INTRO, '| Rule | Rewrite | Changes behaviour |', '|---|---|---|');
  for (const r of rules) for (const f of r.fixDoc ?? []) out.push(`| \`${r.id}\` | ${f.rewrite} | ${f.changesBehaviour} |`);
  out.push('', FIX_OUTRO, SUPPRESSIONS);
  return out.join('\n');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}
