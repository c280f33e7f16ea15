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
