import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildManifest, parseMigrations, readManifest } from '../../src/engine';

/** A data dump's seed file: a table, then one INSERT a line (bench/memory.ts measures the same shape). */
function seedFile(bytes: number): string {
  const lines = ['CREATE TABLE IF NOT EXISTS events (id BIGINT PRIMARY KEY, kind TEXT, payload TEXT);'];
  let size = lines[0].length;
  for (let i = 1; size < bytes; i++) {
    const line = `INSERT INTO events (id, kind, payload) VALUES (${i}, 'kind_${i % 17}', 'payload for event ${i}; it''s text');`;
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join('\n') + '\n';
}

describe('memory of large migration files', () => {
  test('readManifest reads the manifest from its bytes as from its text, multi-byte characters included', () => {
    const migrations = parseMigrations([
      { fileName: '0001_init.sql', sql: "CREATE TABLE IF NOT EXISTS t (name TEXT);\nINSERT INTO t VALUES ('Zoë – 東京 🚀');\n" },
      { fileName: '0002_more.sql', sql: 'ALTER TABLE t ADD COLUMN IF NOT EXISTS n INT;\n' },
    ]);
    const json = JSON.stringify(buildManifest(migrations));
    const fromBytes = readManifest(new TextEncoder().encode(json));
    expect(fromBytes).toEqual(readManifest(json));
    expect(fromBytes.map((m) => m.sql)).toEqual(migrations.map((m) => m.sql));
    expect(() => readManifest(new TextEncoder().encode('{"format":"other"}'))).toThrow(/Unsupported migrations manifest format: other/);
  });

  test('the lint of a 5 MB seed file fits in a 64 MB heap (its tokens are dropped statement by statement)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-memory-'));
    try {
      const file = path.join(dir, '0001_seed.sql');
      fs.writeFileSync(file, seedFile(5 * 2 ** 20));
      const engine = path.join(dir, 'lint.js');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('esbuild').buildSync({ entryPoints: [path.join(__dirname, '..', '..', 'src', 'lint', 'index.ts')], bundle: true, platform: 'node', outfile: engine, logLevel: 'error' });
      const child = `const d = require(${JSON.stringify(engine)}).lintMigrations([{ fileName: '0001_seed.sql', sql: require('fs').readFileSync(${JSON.stringify(file)}, 'utf8') }]);
process.stdout.write(String(d.length));`;
      const r = spawnSync(process.execPath, ['--max-old-space-size=64', '-e', child], { encoding: 'utf8' });
      expect(r.stderr).not.toMatch(/heap out of memory/);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe('0');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
