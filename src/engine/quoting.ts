/** SQL text the engine, the lint's fixes and the CLI write themselves: one way to quote. */

/** A quoted identifier: any name, kept as written (case included). */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A standard-conforming string literal: quotes doubled; a backslash is an ordinary character. */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
