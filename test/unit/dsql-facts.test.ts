import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');
const FACTS = fs.readFileSync(path.join(ROOT, 'docs', 'dsql-facts.md'), 'utf8');

/** docs/dsql-facts.md by section number: the text under each `## N.` or `### N.M` heading. */
function sections(): Map<string, string> {
  const result = new Map<string, string>();
  const headings = [...FACTS.matchAll(/^#{2,3} (\d+(?:\.\d+)?)\.? /gm)];
  headings.forEach((h, i) => result.set(h[1], FACTS.slice(h.index, headings[i + 1]?.index ?? FACTS.length)));
  return result;
}

/** Every file of the repository's code and docs that may cite a section. */
function citingFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!['node_modules', '__snapshots__'].includes(entry.name) && !entry.name.endsWith('.snapshot')) walk(p);
      } else if (/\.(ts|md|json)$/.test(entry.name) && p !== path.join(ROOT, 'docs', 'dsql-facts.md')) {
        files.push(p);
      }
    }
  };
  for (const dir of ['src', 'lambda', 'cli', 'bench', 'docs', 'test', 'examples']) walk(path.join(ROOT, dir));
  return [...files, path.join(ROOT, 'README.md')];
}

describe('docs/dsql-facts.md', () => {
  test('has every section the code and docs cite', () => {
    const have = sections();
    const missing = new Set<string>();
    for (const file of citingFiles()) {
      for (const [, section] of fs.readFileSync(file, 'utf8').matchAll(/§(\d+(?:\.\d+)?)/g)) {
        if (!have.has(section)) missing.add(`§${section} (${path.relative(ROOT, file)})`);
      }
    }
    expect([...missing]).toEqual([]);
  });

  test('citations name the file docs/dsql-facts.md, never the bare document name', () => {
    const bare = citingFiles().flatMap((file) =>
      fs.readFileSync(file, 'utf8').split('\n')
        .map((line, i) => ({ line, at: `${path.relative(ROOT, file)}:${i + 1}` }))
        .filter(({ line }) => /(?<!docs\/)dsql-facts(?:\.md)? *§/.test(line))
        .map(({ at }) => at));
    expect(bare).toEqual([]);
  });

  test('every section without subsections names the AWS page or other source it rests on', () => {
    const all = sections();
    const leaves = [...all].filter(([n]) => ![...all.keys()].some((other) => other.startsWith(`${n}.`)));
    expect(leaves.length).toBeGreaterThan(10);
    expect(leaves.filter(([, text]) => !/https:\/\/|`UG\//.test(text)).map(([n]) => n)).toEqual([]);
  });
});
