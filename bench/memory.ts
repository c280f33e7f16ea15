/**
 * Memory of one large migration file: the smallest V8 heap (--max-old-space-size) in which the
 * handler's parse (readManifest on the manifest's bytes, as the handler reads them from S3), synth's load (loadMigrations) and the lint
 * (lintMigrations) succeed, for a generated file of FILE_MB megabytes.
 *
 *   npx ts-node --transpile-only --project test/tsconfig.json bench/memory.ts [FILE_MB] [engine root] [parse,load,lint]
 *
 * Each measurement runs in a child process; the engine root (default: this repository) lets the same
 * script measure another checkout.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

type Mode = 'parse' | 'load' | 'lint';
const MODES: Mode[] = ['parse', 'load', 'lint'];

/** A seed file as a data dump writes it: a table, then INSERTs with text, numbers and a comment now and then. */
function generate(bytes: number): string {
  const parts = ['CREATE TABLE IF NOT EXISTS events (id BIGINT PRIMARY KEY, kind TEXT, payload TEXT, amount NUMERIC(12,2));\n'];
  let size = parts[0].length;
  for (let i = 1; size < bytes; i++) {
    const line = (i % 50 === 0 ? `-- batch ${i / 50}\n` : '') +
      `INSERT INTO events (id, kind, payload, amount) VALUES (${i}, 'kind_${i % 17}', 'payload for event ${i}; it''s text', ${(i % 1000) / 10});\n`;
    parts.push(line);
    size += line.length;
  }
  return parts.join('');
}

/**
 * The child: plain Node.js with the engine bundled by esbuild (no TypeScript loader in the heap).
 * It runs one mode, keeps the result, and prints the heap still used after a full GC.
 */
const CHILD = `
const fs = require('fs');
const path = require('path');
const [mode, engineFile, dir] = process.argv.slice(2);
const engine = mode === 'none' ? {} : require(engineFile);
const file = path.join(dir, 'migrations', '0001_seed.sql');
let kept;
if (mode === 'parse') kept = engine.readManifest(fs.readFileSync(path.join(dir, 'manifest.json')));
else if (mode === 'load') kept = engine.loadMigrations(path.join(dir, 'migrations'));
else if (mode === 'lint') kept = engine.lintMigrations([{ fileName: '0001_seed.sql', sql: fs.readFileSync(file, 'utf8') }]);
// On the next turn: what the finished turn still held is garbage by then, as in a long-lived process.
setTimeout(() => {
  global.gc();
  process.stdout.write(JSON.stringify({ retainedMb: process.memoryUsage().heapUsed / 2 ** 20, kept: kept ? kept.length : 0 }));
}, 0);
`;

function bundleEngine(root: string, dir: string): string {
  const entry = path.join(dir, 'engine-entry.js');
  fs.writeFileSync(entry, ['engine/manifest', 'engine/migration-set', 'lint'].map((m) => `Object.assign(exports, require(${JSON.stringify(path.join(root, 'src', m))}));`).join('\n'));
  const outfile = path.join(dir, 'engine.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('esbuild').buildSync({ entryPoints: [entry], bundle: true, platform: 'node', outfile, logLevel: 'error' });
  fs.writeFileSync(path.join(dir, 'child.js'), CHILD);
  return outfile;
}

function fits(mode: Mode | 'none', engineFile: string, dir: string, heapMb: number): { ok: boolean; retainedMb?: number } {
  const r = spawnSync(process.execPath, [`--max-old-space-size=${heapMb}`, '--expose-gc', path.join(dir, 'child.js'), mode, engineFile, dir], { encoding: 'utf8' });
  if (r.status !== 0) return { ok: false };
  return { ok: true, retainedMb: JSON.parse(r.stdout).retainedMb };
}

/** The smallest heap, in steps of 16 MB, in which `mode` succeeds (bisection between 32 MB and 4 GB). */
function smallestHeap(mode: Mode, engineFile: string, dir: string): { heapMb: number; retainedMb: number } | undefined {
  let lo = 32;
  let hi = 4096;
  let best: { heapMb: number; retainedMb: number } | undefined;
  const top = fits(mode, engineFile, dir, hi);
  if (!top.ok) return undefined;
  best = { heapMb: hi, retainedMb: top.retainedMb! };
  while (hi - lo > 16) {
    const mid = Math.round((lo + hi) / 2);
    const r = fits(mode, engineFile, dir, mid);
    if (r.ok) {
      hi = mid;
      best = { heapMb: mid, retainedMb: r.retainedMb! };
    } else {
      lo = mid;
    }
  }
  return best;
}

function main(): void {
  const [, , first, ...rest] = process.argv;
  const fileMb = Number(first ?? 50);
  const root = path.resolve(rest[0] ?? path.join(__dirname, '..'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-memory-'));
  const sql = generate(fileMb * 2 ** 20);
  fs.mkdirSync(path.join(dir, 'migrations'));
  fs.writeFileSync(path.join(dir, 'migrations', '0001_seed.sql'), sql);
  const engineFile = bundleEngine(root, dir);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const engine = require(engineFile);
  const migrations = engine.loadMigrations(path.join(dir, 'migrations'));
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(engine.buildManifest(migrations)));
  const statements = migrations[0].statements.length;
  const baseline = fits('none', engineFile, dir, 64).retainedMb!;
  console.log(`file: ${(sql.length / 2 ** 20).toFixed(1)} MB, ${statements} statements; engine at ${root}; an idle node heap: ${baseline.toFixed(1)} MB`);
  for (const mode of (rest[1] ? rest[1].split(',') : MODES) as Mode[]) {
    const r = smallestHeap(mode, engineFile, dir);
    console.log(r
      ? `${mode}: succeeds with a ${r.heapMb} MB heap (${(r.heapMb / fileMb).toFixed(1)}x the file); ${(r.retainedMb - baseline).toFixed(0)} MB retained after GC (${((r.retainedMb - baseline) / fileMb).toFixed(1)}x)`
      : `${mode}: fails even with 4 GB`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

main();
