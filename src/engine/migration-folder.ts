import * as fs from 'fs';
import * as path from 'path';
import { lineIndex } from './lines';
import type { MigrationProblem, MigrationSource } from './migration-set';
import { looksLikeMigration } from './naming';
import { LOADER_RULES } from './problem-rules';

/** A folder's migration files as text, and what was refused while reading them. */
export interface MigrationFolder {
  readonly sources: MigrationSource[];
  readonly problems: MigrationProblem[];
}

/**
 * Reads the migration files of a folder: the one rule the construct, the CLI and the API share.
 * Every entry whose name ends in `.sql` is a migration and must be a regular file (a symbolic link
 * to one is followed); a broken link, a directory, a FIFO or a device so named is refused, never
 * skipped. Every other entry is ignored (README.md, `0001_x.sql.bak`, editor swap files).
 */
export function readMigrationFolder(directory: string): MigrationFolder {
  const sources: MigrationSource[] = [];
  const problems: MigrationProblem[] = [];
  for (const fileName of fs.readdirSync(directory).sort()) {
    if (!looksLikeMigration(fileName)) continue;
    const file = path.join(directory, fileName);
    const refusal = notARegularFile(file);
    if (refusal) {
      problems.push({ fileName, rule: LOADER_RULES.notAFile, message: refusal });
      continue;
    }
    const decoded = decodeSqlFile(fileName, fs.readFileSync(file));
    if ('problem' in decoded) problems.push(decoded.problem);
    else sources.push({ fileName, sql: decoded.sql });
  }
  return { sources, problems };
}

/** Why a path cannot be read as a migration file, or undefined when it is a regular file. */
function notARegularFile(file: string): string | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'is a symbolic link to a file that does not exist';
    if (code === 'ELOOP') return 'is a symbolic link that loops';
    return `cannot be read (${code ?? String(e)})`;
  }
  if (stat.isFile()) return undefined;
  if (stat.isDirectory()) return 'is a directory; a migration must be a file';
  // Never opened: reading a FIFO would wait forever for a writer.
  return 'is not a regular file (a FIFO, socket or device); a migration must be a file';
}

/**
 * A file's bytes as text. Invalid UTF-8 is refused with its byte offset rather than replaced by
 * U+FFFD: the replaced text would be applied, and a later change of the invalid bytes would go
 * unseen by the checksum.
 */
export function decodeSqlFile(fileName: string, bytes: Buffer): { sql: string } | { problem: MigrationProblem } {
  const sql = bytes.toString('utf8');
  // The decoder writes U+FFFD for each invalid sequence; a U+FFFD the file really holds is EF BF BD.
  let offset = 0; // byte offset of character `from`
  let from = 0;
  for (let at = sql.indexOf('\uFFFD'); at >= 0; at = sql.indexOf('\uFFFD', at + 1)) {
    offset += Buffer.byteLength(sql.slice(from, at), 'utf8');
    from = at;
    if (bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd) continue;
    const { line, column } = lineIndex(sql)(at);
    const hex = `0x${bytes[offset].toString(16).padStart(2, '0')}`;
    return { problem: { fileName, line, column, rule: LOADER_RULES.encoding, message: `invalid UTF-8 at byte offset ${offset} (${hex}); save the file as UTF-8` } };
  }
  return { sql };
}
