/**
 * Files at the edges of input, on PostgreSQL 16 and through every door: the construct (synth),
 * the CLI and the API read a folder by one rule and run each file as written.
 */
import './cli/support/require-bundles';
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { postgresConnector } from '../connectors';
import { DsqlDatabase } from '../src';
import { loadMigrations } from '../src/engine/migration-set';
import { applyMigrationSet, RunnerEvent } from '../src/engine/runner';
import { cli, writeMigrations } from './cli/support/cli';
import { freshDatabase, queryRows } from './support/database';
import { cfnEvent, localHandlers, synthExample, tempDir } from './support/harness';
import { migrationStatus } from 'cdk-dsql-migrations/api';

describe('a CRLF file runs as written', () => {
  test('a literal spanning lines is stored with its \\r\\n; the checksum equals the LF file\'s', async () => {
    const url = await freshDatabase('crlf');
    const lf = "CREATE TABLE IF NOT EXISTS notes (id INT PRIMARY KEY, body TEXT);\nINSERT INTO notes VALUES (1, 'first\nsecond');\n";
    const crlfDir = writeMigrations(tempDir('crlf'), { '0001_notes.sql': lf.replace(/\n/g, '\r\n') });
    const lfDir = writeMigrations(tempDir('lf'), { '0001_notes.sql': lf });
    // Through the deploy path: synth writes the manifest, the handler reads it and applies it.
    const { properties, outdir } = synthExample(crlfDir, path.join(tempDir('crlf-out'), 'cdk.out'));
    await localHandlers(url, outdir).onEvent(cfnEvent('Create', properties));
    const [row] = await queryRows(url, 'SELECT body FROM notes');
    expect(row.body).toBe('first\r\nsecond');
    const [record] = await queryRows(url, 'SELECT checksum FROM schema_migrations');
    expect(record.checksum).toBe(loadMigrations(lfDir)[0].checksum);
    // The LF checkout of the same file is the applied file, not a changed one.
    expect((await applyMigrationSet(postgresConnector(url), loadMigrations(lfDir))).applied).toEqual([]);
  });
});

describe('a version is its number', () => {
  test('renaming 0001_seed.sql to 00001_seed.sql does not apply it again, and no file is reported missing', async () => {
    const url = await freshDatabase('renamed');
    const dir = writeMigrations(tempDir('renamed'), {
      '0001_seed.sql': 'CREATE TABLE IF NOT EXISTS seeds (n INT);\nINSERT INTO seeds VALUES (1);\n',
      '0002_more.sql': 'INSERT INTO seeds VALUES (2);\n',
    });
    await applyMigrationSet(postgresConnector(url), loadMigrations(dir), { strict: true });
    fs.renameSync(path.join(dir, '0001_seed.sql'), path.join(dir, '00001_seed.sql'));
    const events: RunnerEvent[] = [];
    const result = await applyMigrationSet(postgresConnector(url), loadMigrations(dir), { strict: true, log: (e) => events.push(e) });
    expect(result.applied).toEqual([]);
    expect(result.missing).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.latestVersion).toBe('0002');
    expect(await queryRows(url, 'SELECT n FROM seeds ORDER BY n')).toEqual([{ n: 1 }, { n: 2 }]);
    const status = await migrationStatus({ migrationsPath: dir, connectionString: url });
    expect(status.map((s) => [s.fileName, s.state])).toEqual([['00001_seed.sql', 'applied'], ['0002_more.sql', 'applied']]);
  });

  test('a half-applied 0001_x.sql renamed to 00001_x.sql resumes after its committed statements', async () => {
    const url = await freshDatabase('renamed_half');
    // Statement 1 commits (and cannot run twice: no IF NOT EXISTS); statement 2 fails.
    const dir = writeMigrations(tempDir('renamed-half'), { '0001_x.sql': 'CREATE TABLE halves (n INT);\nINSERT INTO no_such_table VALUES (1);\n' });
    await expect(applyMigrationSet(postgresConnector(url), loadMigrations(dir))).rejects.toThrow(/no_such_table/);
    fs.rmSync(path.join(dir, '0001_x.sql'));
    fs.writeFileSync(path.join(dir, '00001_x.sql'), 'CREATE TABLE halves (n INT);\nINSERT INTO halves VALUES (1);\n');
    const before = await migrationStatus({ migrationsPath: dir, connectionString: url });
    expect(before.map((s) => [s.fileName, s.state])).toEqual([['00001_x.sql', 'in-progress']]);
    const events: RunnerEvent[] = [];
    const result = await applyMigrationSet(postgresConnector(url), loadMigrations(dir), { log: (e) => events.push(e) });
    expect(result.applied.map((a) => a.version)).toEqual(['00001']);
    expect(events.filter((e) => e.event === 'resume')).toMatchObject([{ version: '00001' }]);
    expect(await queryRows(url, 'SELECT n FROM halves')).toEqual([{ n: 1 }]);
    expect(await queryRows(url, 'SELECT version FROM schema_migrations_progress')).toEqual([]);
    const after = await migrationStatus({ migrationsPath: dir, connectionString: url });
    expect(after.map((s) => [s.fileName, s.state])).toEqual([['00001_x.sql', 'applied']]);
  });

  test('a file whose record was deleted stays rolled-back when renamed to the same number', async () => {
    const url = await freshDatabase('renamed_rolled_back');
    const dir = writeMigrations(tempDir('renamed-rolled-back'), { '0001_x.sql': 'CREATE TABLE IF NOT EXISTS r (n INT);\n' });
    await applyMigrationSet(postgresConnector(url), loadMigrations(dir));
    await queryRows(url, "DELETE FROM schema_migrations WHERE version = '0001'");
    fs.renameSync(path.join(dir, '0001_x.sql'), path.join(dir, '00001_x.sql'));
    const status = await migrationStatus({ migrationsPath: dir, connectionString: url });
    expect(status.map((s) => [s.fileName, s.state])).toEqual([['00001_x.sql', 'rolled-back']]);
  });

  test('a folder holding both 0001 and 00001 is refused, naming both files', () => {
    const dir = writeMigrations(tempDir('both'), { '0001_seed.sql': 'SELECT 1;', '00001_seed.sql': 'SELECT 1;' });
    expect(() => loadMigrations(dir)).toThrow(/0001_seed\.sql:1:1 error duplicate-version version 0001 is also used by 00001_seed\.sql/);
  });
});

describe('one rule for a folder\'s entries, in the construct, the CLI and the API', () => {
  // A symlink to a file is read; a broken link, a directory, invalid UTF-8 and a NUL byte are
  // refused with the file (and line); names that do not end in .sql are ignored.
  const oddFolder = () => {
    const dir = writeMigrations(tempDir('odd'), {
      '0001_ok.sql': 'CREATE TABLE IF NOT EXISTS a (id INT PRIMARY KEY);\n',
      'shared.txt': 'CREATE TABLE IF NOT EXISTS b (id INT PRIMARY KEY);\n',
      '0002_ok.sql.bak': 'not sql',
      'README.md': '# notes',
    });
    fs.writeFileSync(path.join(dir, '0004_latin1.sql'), Buffer.concat([Buffer.from("SELECT 1;\nSELECT 'caf"), Buffer.from([0xe9]), Buffer.from("';\n")]));
    fs.writeFileSync(path.join(dir, '0005_nul.sql'), 'SELECT 1;\nSELECT 2;\0\n');
    fs.symlinkSync(path.join(dir, 'shared.txt'), path.join(dir, '0002_linked.sql'));
    fs.symlinkSync(path.join(dir, 'gone.sql'), path.join(dir, '0003_broken.sql'));
    fs.mkdirSync(path.join(dir, '0006_folder.sql'));
    return dir;
  };
  const expected = [
    '0003_broken.sql:1:1 error not-a-file is a symbolic link to a file that does not exist',
    '0004_latin1.sql:2:12 error encoding invalid UTF-8 at byte offset 21 (0xe9); save the file as UTF-8',
    '0005_nul.sql:2:10 error nul-byte the file contains a NUL character, which PostgreSQL cannot receive',
    '0006_folder.sql:1:1 error not-a-file is a directory; a migration must be a file',
  ];

  test('synth fails naming each refused file', () => {
    const dir = oddFolder();
    const app = new App();
    new DsqlDatabase(new Stack(app, 'S'), 'Db', { migrationsPath: dir });
    let message = '';
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    for (const line of expected) expect(message).toContain(line);
    expect(message).not.toMatch(/0002_linked|bak|README/);
  });

  test('the API refuses the same files', async () => {
    const dir = oddFolder();
    const error = await migrationStatus({ migrationsPath: dir, connectionString: 'postgres://nobody@127.0.0.1:1/none' }).catch((e: Error) => e);
    for (const line of expected) expect(String((error as Error).message)).toContain(line);
  });

  test('the CLI\'s lint and status name the same files and lines; nothing is connected to', async () => {
    const dir = oddFolder();
    const lint = await cli(['lint', '--dir', dir]);
    expect(lint.code).toBe(1);
    expect(lint.stdout).toContain(`${path.join(dir, '0003_broken.sql')}:1:1 error not-a-file is a symbolic link to a file that does not exist`);
    expect(lint.stdout).toContain(`${path.join(dir, '0004_latin1.sql')}:2:12 error encoding invalid UTF-8 at byte offset 21 (0xe9)`);
    expect(lint.stdout).toContain(`${path.join(dir, '0005_nul.sql')}:2:10 error nul-byte the file contains a NUL character`);
    // Reported once, not again by the SQL rules (which would print the NUL itself).
    expect(lint.stdout.split('\n').filter((l) => l.includes('0005_nul.sql'))).toHaveLength(1);
    expect(lint.stdout).not.toContain('\0');
    expect(lint.stdout).toContain(`${path.join(dir, '0006_folder.sql')}:1:1 error not-a-file is a directory`);
    expect(lint.stdout).not.toMatch(/0002_linked|\.bak|README/);
    const status = await cli(['status', '--dir', dir, '--url', 'postgres://nobody@127.0.0.1:1/none']);
    expect(status.code).toBe(1);
    expect(status.stderr).toContain(`invalid migrations in ${dir}`);
    expect(status.stderr).toContain(`${path.join(dir, '0004_latin1.sql')}:2:12 error encoding`);
    expect(status.stderr).not.toContain('cannot connect');
  });
});
