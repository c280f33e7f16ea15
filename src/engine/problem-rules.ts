/**
 * The rule ids of the problems the engine finds while reading and parsing a migration set: the one
 * place they are spelled. Where the lint checks the same thing (a file the splitter cannot split, an
 * unbalanced transaction block), its rule uses the id from here, so `status`, `plan`, `apply`, the
 * lint and `cdk synth` all name a problem alike.
 */
export const LOADER_RULES = {
  fileName: 'file-name',
  duplicateVersion: 'duplicate-version',
  notAFile: 'not-a-file',
  encoding: 'encoding',
  nulByte: 'nul-byte',
  syntax: 'syntax-error',
  emptyFile: 'empty-file',
  transactionBlock: 'transaction-block',
  unknownParameter: 'unknown-parameter',
} as const;

export type LoaderRuleId = (typeof LOADER_RULES)[keyof typeof LOADER_RULES];

/** Every id in LOADER_RULES. */
export const LOADER_RULE_IDS: ReadonlySet<string> = new Set(Object.values(LOADER_RULES));
