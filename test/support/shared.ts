import * as fs from 'fs';
import * as path from 'path';

/** The shared reference material (real-world migration sets, dsql-lint fixtures) beside the repository. */
export const SHARED_DIR = process.env.DSQL_MIGRATIONS_SHARED_DIR ?? path.resolve(__dirname, '..', '..', '..', 'shared');
export const CORPUS_DIR = path.join(SHARED_DIR, 'corpus');

/** Fails loudly when the corpus is missing: the tests that read it must not pass by skipping. */
export function corpusPath(...parts: string[]): string {
  const p = path.join(CORPUS_DIR, ...parts);
  if (!fs.existsSync(p)) throw new Error(`Missing shared corpus at ${p}: clone the repository with ../shared beside it, or set DSQL_MIGRATIONS_SHARED_DIR`);
  return p;
}
