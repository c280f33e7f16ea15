/**
 * Deploy-time parameters: `${{ name }}` placeholders in migration files, replaced by values given
 * to the construct, the CLI (`--param`) or the API at run time.
 *
 * Why `${{ name }}`: `$` followed by `{` never opens a dollar quote (`$$`, `$tag$`) nor is a
 * positional parameter (`$1`); psql's variables are `:name`; and `{{` alone appears in array
 * literals (`'{{1,2},{3,4}}'`). Placeholders are replaced everywhere except in comments (inside
 * string literals, quoted identifiers and dollar-quoted bodies too), and values are inserted as
 * text: nothing is quoted for the user, who writes `'${{ appRoleArn }}'` when a string is meant.
 *
 * The checksum of a file covers its text with the placeholders, never the values, so a new value
 * does not turn applied files into changed ones.
 */
import { commentRanges } from './lexical';
import { lineIndex } from './lines';

const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
/** A parameter name: what a placeholder can refer to. */
export const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type ParameterValues = Readonly<Record<string, string>>;

export interface Placeholder {
  readonly name: string;
  readonly offset: number;
  readonly end: number;
}

/** The placeholders of SQL text, in order, outside comments. */
export function placeholdersIn(sql: string): Placeholder[] {
  if (!sql.includes('${{')) return [];
  const comments = commentRanges(sql);
  const found: Placeholder[] = [];
  for (const m of sql.matchAll(PLACEHOLDER)) {
    const offset = m.index!;
    if (comments.some(([start, end]) => offset >= start && offset < end)) continue;
    found.push({ name: m[1], offset, end: offset + m[0].length });
  }
  return found;
}

/** A placeholder without a value, where it is. */
export interface UnknownParameter {
  readonly name: string;
  readonly line: number;
  readonly column: number;
}

/** The placeholders of a file whose name is not among `names`. */
export function unknownParameters(sql: string, names: ReadonlyArray<string>): UnknownParameter[] {
  const position = lineIndex(sql);
  return placeholdersIn(sql).filter((p) => !names.includes(p.name)).map((p) => ({ name: p.name, ...position(p.offset) }));
}

/** The message of the `unknown-parameter` rule, the same at synth, in the CLI and in the API. */
export function unknownParameterMessage(name: string): string {
  return `placeholder \${{ ${name} }} has no value (give it with the construct's parameters, --param ${name}=... or the API's parameters)`;
}

/** The names of `names` that no file uses. */
export function unusedParameters(sqls: ReadonlyArray<string>, names: ReadonlyArray<string>): string[] {
  const used = new Set(sqls.flatMap((sql) => placeholdersIn(sql).map((p) => p.name)));
  return names.filter((n) => !used.has(n));
}

/** The message of the `unused-parameter` warning. */
export function unusedParameterMessage(name: string): string {
  return `parameter ${name} is given but no migration file uses \${{ ${name} }}`;
}

/** Thrown for a placeholder with no value when a statement is about to run. */
export class UnknownParameterError extends Error {
  constructor(public readonly parameter: string) {
    super(unknownParameterMessage(parameter));
    this.name = 'UnknownParameterError';
  }
}

/** The text with every placeholder outside comments replaced by its value, as is. */
export function substituteParameters(sql: string, values: ParameterValues): string {
  const placeholders = placeholdersIn(sql);
  let out = '';
  let at = 0;
  for (const p of placeholders) {
    if (!Object.prototype.hasOwnProperty.call(values, p.name)) throw new UnknownParameterError(p.name);
    out += sql.slice(at, p.offset) + values[p.name];
    at = p.end;
  }
  return out + sql.slice(at);
}

/**
 * The message with every value put back as its placeholder: an error of the server may quote the
 * statement it ran, and values are never logged nor reported.
 */
export function redactParameters(message: string, values: ParameterValues): string {
  let out = message;
  // Longest first, so that a value containing another is replaced whole.
  for (const [name, value] of Object.entries(values).sort((a, b) => b[1].length - a[1].length)) {
    if (value !== '') out = out.split(value).join(`\${{ ${name} }}`);
  }
  return out;
}

/** Parses `--param name=value` options into values; throws on a malformed one. */
export function parseParameterOptions(options: ReadonlyArray<string>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const option of options) {
    const eq = option.indexOf('=');
    const name = eq < 0 ? option : option.slice(0, eq);
    if (eq < 0 || !PARAMETER_NAME.test(name)) {
      throw new Error(`--param must be name=value with a name of letters, digits and _, got "${name}"`);
    }
    values[name] = option.slice(eq + 1);
  }
  return values;
}
