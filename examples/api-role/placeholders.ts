import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * Copies a migrations folder with `${name}` placeholders in its `.sql` files filled in, and returns
 * the copy's path, for `migrationsPath`.
 *
 * The copy's folder is named after its content, so the same input always gives the same folder and
 * the same migration set (and a synth with unchanged values does not change the stack). A
 * placeholder without a value fails the synth. Values go into SQL text as they are: they may not
 * contain a quote or a backslash.
 */
export function fillPlaceholders(sourceDir: string, values: Readonly<Record<string, string>>): string {
  for (const [name, value] of Object.entries(values)) {
    if (/['"\\]/.test(value)) throw new Error(`placeholder ${name}: value may not contain quotes or backslashes: ${value}`);
  }
  const files = fs
    .readdirSync(sourceDir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(sourceDir, name), 'utf8');
      const filled = sql.replace(/\$\{(\w+)\}/g, (_, key: string) => {
        const value = values[key];
        if (value === undefined) throw new Error(`${path.join(sourceDir, name)}: no value for placeholder \${${key}}`);
        return value;
      });
      return { name, sql: filled };
    });
  const hash = createHash('sha256').update(JSON.stringify(files)).digest('hex').slice(0, 32);
  const dir = path.join(os.tmpdir(), 'dsql-migrations-filled', hash);
  if (!fs.existsSync(dir)) {
    // Written to a private folder, then renamed into place: parallel synths never see half a folder.
    const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'dsql-migrations-filling-'));
    for (const f of files) fs.writeFileSync(path.join(staging, f.name), f.sql);
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    try {
      fs.renameSync(staging, dir);
    } catch (e) {
      fs.rmSync(staging, { recursive: true, force: true });
      if (!fs.existsSync(dir)) throw e;
    }
  }
  return dir;
}
