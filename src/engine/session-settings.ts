import { leadingWords } from './classify';
import { blankComments } from './lexical';

/**
 * What a migration's session settings do to the files after it: nothing. Each file starts with the
 * session as the connection opened it, as if psql ran it in a session of its own (and as Flyway
 * restores the search_path and role after each migration), so the same files give the same schema
 * however they are grouped into runs. Settings last until the end of the file that made them.
 */

/** The `RESET` statements that undo the session settings a file makes (none for most files). */
export function settingResets(statements: ReadonlyArray<{ readonly text: string }>): string[] {
  const resets = new Set<string>();
  for (const s of statements) for (const name of settingsMadeBy(s.text)) resets.add(resetFor(name));
  return [...resets];
}

/** Whether a statement changes the current role, so that the runner's own writes must not run under it. */
export function changesRole(text: string): boolean {
  return settingsMadeBy(text).some((name) => name === 'role' || name === 'session authorization' || name === '*');
}

/** Whether a statement does nothing but change a session setting, so that a resumed file must make it again. */
export function isSessionSetting(text: string): boolean {
  const [first] = leadingWords(text, 1);
  return settingsMadeBy(text).length > 0 && (first === 'SET' || first === 'SELECT');
}

/**
 * The session-level settings a statement makes: `SET [SESSION] name ...`, `SET TIME ZONE`,
 * `SET ROLE`, `SET SESSION AUTHORIZATION`, and `set_config('name', value, false)` (pg_dump).
 * `SET LOCAL` and transaction settings end with their transaction. '*' means "not known".
 */
function settingsMadeBy(text: string): string[] {
  const words = leadingWords(text, 4);
  if (words[0] === 'SET') {
    if (words[1] === 'SESSION' && words[2] === 'AUTHORIZATION') return ['session authorization'];
    if (words[1] === 'SESSION' && words[2] === 'CHARACTERISTICS') return [];
    const [name, next] = words[1] === 'SESSION' ? words.slice(2) : words.slice(1);
    if (name === undefined || ['LOCAL', 'TRANSACTION', 'CONSTRAINTS'].includes(name)) return [];
    if (name === 'TIME' && next === 'ZONE') return ['timezone'];
    if (name === 'SCHEMA') return ['search_path'];
    if (name === 'NAMES') return ['client_encoding'];
    if (/^[A-Z_][A-Z0-9_$]*$/.test(name)) return [name.toLowerCase() === 'role' ? 'role' : qualifiedName(text, name)];
    return ['*'];
  }
  const names: string[] = [];
  for (const m of blankComments(text).matchAll(/set_config\s*\(\s*('(?:[^']|'')*'|[^,]*)/gi)) {
    const literal = /^'([A-Za-z_][\w.]*)'$/.exec(m[1].trim());
    names.push(literal ? literal[1].toLowerCase() : '*');
  }
  return names;
}

/** `SET app.tenant = ...` names a custom setting with a dot, which the word scanner stops at. */
function qualifiedName(text: string, first: string): string {
  const m = new RegExp(`\\b${first}\\s*\\.\\s*([A-Za-z_][\\w]*)`, 'i').exec(text);
  return (m ? `${first}.${m[1]}` : first).toLowerCase();
}

function resetFor(name: string): string {
  if (name === '*') return 'RESET ALL';
  if (name === 'role') return 'RESET ROLE';
  if (name === 'session authorization') return 'RESET SESSION AUTHORIZATION';
  if (name === 'timezone') return 'RESET TIME ZONE';
  return `RESET ${name}`;
}
