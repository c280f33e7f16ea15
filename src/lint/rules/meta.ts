/** The linter's own findings. */
import { DOC, Rule } from './rule';

/** Reported by the lint engine for a dsql-migrations-ignore comment that silences nothing. */
export const UNUSED_SUPPRESSION: Rule = {
  id: 'unused-suppression',
  severity: 'warning',
  category: 'meta',
  fixable: false,
  message: 'This dsql-migrations-ignore comment suppresses nothing',
  docUrl: DOC.supportedSql,
  fact: '—',
};

/** The comment line that marks a file `dsql-migrations new` wrote and nobody has filled in yet. */
export const DRAFT_MARKER = 'dsql-migrations: draft';

/** Reported by the lint engine for a file that still holds the draft marker. */
export const DRAFT_FILE: Rule = {
  id: 'draft-file',
  severity: 'error',
  category: 'meta',
  fixable: false,
  message: `This file is a draft (its \`-- ${DRAFT_MARKER}\` line): write its statements, then delete that line`,
  docUrl: DOC.supportedSql,
  fact: '—',
  notes: 'A comment-only file is a deliberate no-op and is applied as one. A draft is not: applied empty, it would be recorded, '
    + 'and the statements written into it later would make it a changed file. So a file that `dsql-migrations new` wrote '
    + 'fails lint, `cdk synth` and `apply` until its draft line is deleted.',
};
