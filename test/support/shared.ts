import * as fs from 'fs';
import * as path from 'path';

/** The shared reference material (real-world migration sets, dsql-lint fixtures) beside the repository. */
export const SHARED_DIR = process.env.DSQL_MIGRATIONS_SHARED_DIR ?? path.resolve(__dirname, '..', '..', '..', 'shared');
export const CORPUS_DIR = path.join(SHARED_DIR, 'corpus');

/**
 * A public clone has no ../shared: the tests that read it are skipped, and the test run says so in
 * one line (global-setup prints `SHARED_SKIP_NOTICE`). CI has ../shared and runs them.
 */
export const SHARED_AVAILABLE = fs.existsSync(CORPUS_DIR);
export const SHARED_SKIP_NOTICE =
  `Skipped: the tests on real-world migration sets and AWS dsql-lint fixtures (no ${CORPUS_DIR}). ` +
  'To run them, put the shared corpus beside the repository as ../shared, or set DSQL_MIGRATIONS_SHARED_DIR.';

/** `describe` when the shared corpus is there, `describe.skip` otherwise. */
export function describeWithShared(name: string, fn: () => void): void {
  (SHARED_AVAILABLE ? describe : describe.skip)(name, fn);
}

/** A path in the corpus; inside `describeWithShared` it exists, so a missing one is a real failure. */
export function corpusPath(...parts: string[]): string {
  const p = path.join(CORPUS_DIR, ...parts);
  if (!fs.existsSync(p)) throw new Error(`Missing shared corpus at ${p}`);
  return p;
}
