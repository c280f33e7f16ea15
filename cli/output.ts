/**
 * Everything the CLI prints goes through here, so that --quiet, --verbose, --format json and colour
 * follow one set of rules: results on stdout, diagnostics and warnings on stderr, ANSI colour only
 * when the stream is a terminal and NO_COLOR is unset (https://no-color.org).
 */

export type Format = 'text' | 'json';

/** `--format json` documents carry `schema: "dsql-migrations/<command>@<version>"`; bump on breaking changes. */
export const JSON_SCHEMA_VERSION = 1;

export interface OutputSettings {
  readonly quiet?: boolean;
  readonly verbose?: boolean;
  /** false with --no-color. */
  readonly color?: boolean;
}

interface Stream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

const STYLES = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, dim: 2, bold: 1 } as const;
export type Style = keyof typeof STYLES;
export type Palette = Record<Style, (text: string) => string>;

function palette(enabled: boolean): Palette {
  const entries = Object.entries(STYLES).map(([name, code]) => [name, enabled ? (t: string) => `\u001b[${code}m${t}\u001b[0m` : (t: string) => t]);
  return Object.fromEntries(entries) as Palette;
}

export class Output {
  /** Colours for stdout and for stderr (each decided by its own stream). */
  public readonly out: Palette;
  public readonly err: Palette;
  public readonly quiet: boolean;
  public readonly verbose: boolean;
  /** A progress line is showing on stderr (a terminal) and must be cleared before anything else is written. */
  private progressShown = false;

  constructor(
    settings: OutputSettings,
    private readonly stdout: Stream = process.stdout,
    private readonly stderr: Stream = process.stderr,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    const allowed = settings.color !== false && !env.NO_COLOR;
    this.out = palette(allowed && stdout.isTTY === true);
    this.err = palette(allowed && stderr.isTTY === true);
    this.quiet = settings.quiet === true;
    // --quiet wins: a script that asks for silence gets it.
    this.verbose = settings.verbose === true && !this.quiet;
  }

  /**
   * A one-line status that the next output replaces ("applying...", "waiting for 2 jobs... 40 s").
   * Only on a terminal and without --quiet: logs and pipes get the permanent lines alone.
   */
  public progress(text: string): void {
    if (this.stderr.isTTY !== true || this.quiet) return;
    this.stderr.write(`\r\u001b[K${this.err.dim(text)}`);
    this.progressShown = true;
  }

  /** The command's result (a table, a plan, diagnostics): printed even with --quiet. */
  public result(text: string): void {
    this.write(this.stdout, text);
  }

  /** Progress and summaries, on stdout; dropped with --quiet. */
  public info(text: string): void {
    if (!this.quiet) this.write(this.stdout, text);
  }

  /** Progress and summaries that must stay off stdout (where `fix` prints a patch); dropped with --quiet. */
  public notice(text: string): void {
    if (!this.quiet) this.write(this.stderr, text);
  }

  public warn(text: string): void {
    if (!this.quiet) this.write(this.stderr, `${this.err.yellow('warning:')} ${text}`);
  }

  public error(text: string): void {
    this.write(this.stderr, `${this.err.red('error:')} ${text}`);
  }

  /** Lines that belong to an error (diagnostics under an `error:` line), on stderr, always. */
  public errorDetail(text: string): void {
    this.write(this.stderr, text);
  }

  /** Details for --verbose (retries, reconnects, the target), on stderr. */
  public detail(text: string): void {
    if (this.verbose) this.write(this.stderr, this.err.dim(text));
  }

  /** One JSON document on stdout; `command` names its schema. */
  public json(command: string, body: Record<string, unknown>): void {
    this.write(this.stdout, JSON.stringify({ schema: `dsql-migrations/${command}@${JSON_SCHEMA_VERSION}`, ...body }, null, 2));
  }

  /** Removes a progress line, if one is showing. */
  public clearProgress(): void {
    if (!this.progressShown) return;
    this.stderr.write('\r\u001b[K');
    this.progressShown = false;
  }

  private write(stream: Stream, line: string): void {
    this.clearProgress();
    stream.write(`${line}\n`);
  }
}

/** A cell: plain text, or text with a style applied after padding (so colour never breaks alignment). */
export type Cell = string | { readonly text: string; readonly style?: Style };

/** Left-aligned columns separated by two spaces; the last column is not padded. */
export function formatTable(headers: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<Cell>>, colors: Palette): string {
  const text = (c: Cell) => (typeof c === 'string' ? c : c.text);
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => text(r[i] ?? '').length)));
  const line = (cells: ReadonlyArray<Cell>, header: boolean) =>
    cells
      .map((c, i) => {
        const raw = i === cells.length - 1 ? text(c) : text(c).padEnd(widths[i]);
        const style = header ? 'bold' : typeof c === 'string' ? undefined : c.style;
        return style ? colors[style](raw) : raw;
      })
      .join('  ')
      .trimEnd();
  return [line(headers, true), ...rows.map((r) => line(r, false))].join('\n');
}
