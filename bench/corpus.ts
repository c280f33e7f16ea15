/**
 * A deterministic corpus of DSQL-style migrations for the benchmarks: tables, ASYNC indexes,
 * column adds with SET DEFAULT, SQL functions in dollar quotes, views, DML backfills and
 * BEGIN/COMMIT DML blocks. Every file is valid for DSQL's rules (one DDL per transaction, no DDL in
 * a block, ADD COLUMN without DEFAULT) and applies on PostgreSQL 16 after the engine's translation.
 */
import * as fs from 'fs';
import * as path from 'path';
import { MigrationSource } from '../src/engine';

export interface CorpusOptions {
  /** @default 200 */
  readonly files?: number;
  /** Same seed, same files. @default 1 */
  readonly seed?: number;
  /**
   * Share of `ADD COLUMN` written without `IF NOT EXISTS` (as ORMs generate them): the statements
   * the engine guards with a ledger row, because repeating them would fail. @default 0.3
   */
  readonly nonIdempotentColumnShare?: number;
}

/** Park-Miller minimal standard generator: seeded, so the corpus does not depend on Math.random. */
export function prng(seed: number): () => number {
  let state = (Math.abs(Math.floor(seed)) % 2147483646) + 1;
  return () => {
    state = (state * 48271) % 2147483647;
    return (state - 1) / 2147483646;
  };
}

/** The seeded draws both corpus generators make: a number in [0, 1), an integer in [lo, hi], an item. */
export function seededDraws(seed: number) {
  const random = prng(seed);
  return {
    random,
    int: (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1)),
    pick: <T>(items: ReadonlyArray<T>): T => items[Math.floor(random() * items.length)],
  };
}

/** Digits of a version: four, or more for a larger set, so that names sort in version order. */
export function versionWidth(files: number): number {
  return Math.max(4, String(files).length);
}

interface Column {
  readonly name: string;
  readonly type: string;
  /** A literal that fits the type, for defaults, inserts and backfills. */
  readonly value: string;
}

interface Table {
  readonly name: string;
  readonly columns: Column[];
  indexes: number;
  /** Columns added with a default whose existing rows still need a backfill. */
  readonly pendingBackfill: Column[];
}

const COLUMN_POOL: ReadonlyArray<Omit<Column, 'name'> & { base: string }> = [
  { base: 'amount', type: 'NUMERIC(12,2)', value: '0' },
  { base: 'qty', type: 'INTEGER', value: '1' },
  { base: 'note', type: 'TEXT', value: "'n/a; none'" },
  { base: 'flag', type: 'BOOLEAN', value: 'FALSE' },
  { base: 'due_at', type: 'TIMESTAMPTZ', value: "'2030-01-01T00:00:00Z'" },
  { base: 'label', type: 'VARCHAR(80)', value: "'it''s new'" },
  { base: 'score', type: 'DOUBLE PRECISION', value: '0.5' },
  { base: 'priority', type: 'SMALLINT', value: '3' },
];
const DOLLAR_TAGS = ['$$', '$fn$', '$body$', '$sql$'];

/** Generates `files` migration sources, `0001_...sql` onwards, about 10 statements each. */
export function generateCorpus(options: CorpusOptions = {}): MigrationSource[] {
  const files = options.files ?? 200;
  const { random, int, pick } = seededDraws(options.seed ?? 1);
  const nonIdempotentShare = options.nonIdempotentColumnShare ?? 0.3;
  const tables: Table[] = [];
  let functions = 0;
  let views = 0;
  let rowCounter = 0;
  const width = versionWidth(files);

  const createTable = (file: number): string[] => {
    const name = `t${String(tables.length + 1).padStart(3, '0')}_${pick(['orders', 'items', 'events', 'accounts', 'notes', 'jobs'])}`;
    const columns: Column[] = [];
    const used = new Set<string>();
    for (let k = int(2, 5); k > 0; k--) {
      const c = pick(COLUMN_POOL);
      if (used.has(c.base)) continue;
      used.add(c.base);
      columns.push({ name: c.base, type: c.type, value: c.value });
    }
    const parent = tables.length > 0 && random() < 0.3 ? pick(tables) : undefined;
    const lines = [
      '  id         UUID PRIMARY KEY DEFAULT gen_random_uuid(),',
      '  name       VARCHAR(200) NOT NULL,',
      '  code       VARCHAR(40),',
      ...(parent ? [`  parent_id  UUID REFERENCES ${parent.name} (id),`] : []),
      ...columns.map((c) => `  ${c.name.padEnd(10)} ${c.type},`),
      "  status     VARCHAR(20) NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'active', 'done')),",
      '  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()',
    ];
    const table: Table = { name, columns, indexes: 0, pendingBackfill: [] };
    tables.push(table);
    const statements = [`-- ${name}: created by migration ${file}\nCREATE TABLE IF NOT EXISTS ${name} (\n${lines.join('\n')}\n)`];
    // DSQL builds every secondary index in the background: CREATE INDEX must say ASYNC.
    statements.push(`CREATE UNIQUE INDEX ASYNC IF NOT EXISTS ${name}_code_key ON ${name} (code)`);
    table.indexes++;
    if (parent) {
      statements.push(`CREATE INDEX ASYNC IF NOT EXISTS ${name}_parent_idx ON ${name} (parent_id)`);
      table.indexes++;
    }
    if (random() < 0.5) statements.push(`COMMENT ON TABLE ${name} IS 'Benchmark table ${name}; see migration ${file}'`);
    return statements;
  };

  const addColumn = (): string[] => {
    const table = pick(tables);
    if (table.columns.length > 40) return [];
    const c = pick(COLUMN_POOL);
    const column: Column = { name: `${c.base}_${table.columns.length + 1}`, type: c.type, value: c.value };
    table.columns.push(column);
    table.pendingBackfill.push(column);
    const guard = random() < nonIdempotentShare ? '' : 'IF NOT EXISTS ';
    // DSQL's ADD COLUMN takes no DEFAULT: add the column, then set the default on its own.
    const statements = [
      `ALTER TABLE ${table.name} ADD COLUMN ${guard}${column.name} ${column.type}`,
      `ALTER TABLE ${table.name} ALTER COLUMN ${column.name} SET DEFAULT ${column.value}`,
    ];
    if (table.indexes < 8 && random() < 0.4) {
      statements.push(`CREATE INDEX ASYNC IF NOT EXISTS ${table.name}_${column.name}_idx ON ${table.name} (${column.name}, created_at)`);
      table.indexes++;
    }
    return statements;
  };

  const createFunction = (): string[] => {
    functions++;
    const tag = pick(DOLLAR_TAGS);
    const table = pick(tables);
    const name = `f${String(functions).padStart(3, '0')}`;
    const statements = [
      `CREATE OR REPLACE FUNCTION ${name}_label(p INTEGER) RETURNS TEXT\nLANGUAGE SQL IMMUTABLE\nAS ${tag}\n  SELECT CASE\n` +
        "    WHEN p <= 1 THEN 'urgent; do it now'\n    WHEN p = 2 THEN 'high'\n    ELSE 'low (it''s fine)'\n  END\n" +
        `${tag}`,
      `CREATE OR REPLACE FUNCTION ${name}_count(s TEXT) RETURNS BIGINT\nLANGUAGE SQL STABLE\nAS ${tag}\n` +
        `  SELECT count(*) FROM ${table.name} WHERE status = s -- a comment; with a semicolon\n${tag}`,
    ];
    if (random() < 0.5) {
      views++;
      statements.push(
        `CREATE OR REPLACE VIEW v${String(views).padStart(3, '0')}_${table.name} AS\n` +
          `  SELECT id, name, ${name}_label(length(name)) AS label, status\n  FROM ${table.name}\n  WHERE status <> 'done'`,
      );
    }
    return statements;
  };

  const insertRows = (table: Table): string => {
    const rows: string[] = [];
    for (let k = int(1, 4); k > 0; k--) {
      rowCounter++;
      rows.push(`('row ${rowCounter}; it''s seeded', 'c-${rowCounter}')`);
    }
    return `INSERT INTO ${table.name} (name, code) VALUES\n  ${rows.join(',\n  ')}`;
  };

  const backfill = (): string[] => {
    const withPending = tables.filter((t) => t.pendingBackfill.length > 0);
    const table = withPending.length > 0 ? pick(withPending) : pick(tables);
    const column = table.pendingBackfill.shift();
    const statements = [insertRows(table)];
    if (column) statements.push(`UPDATE ${table.name} SET ${column.name} = ${column.value} WHERE ${column.name} IS NULL`);
    return statements;
  };

  const dmlBlock = (): string[] => {
    const table = pick(tables);
    const body = [insertRows(table), insertRows(table), `UPDATE ${table.name} SET status = 'active' WHERE status = 'new' AND name LIKE 'row %'`];
    if (random() < 0.5) body.push(`DELETE FROM ${table.name} WHERE status = 'done'`);
    return ['BEGIN', ...body, 'COMMIT'];
  };

  const sources: MigrationSource[] = [];
  for (let file = 1; file <= files; file++) {
    const version = String(file).padStart(width, '0');
    const target = int(6, 12);
    const statements: string[] = [];
    const kinds: string[] = [];
    while (statements.length < target) {
      const roll = random();
      let kind: string;
      if (tables.length < 3 || roll < 0.2) kind = 'table';
      else if (roll < 0.5) kind = 'column';
      else if (roll < 0.65) kind = 'function';
      else if (roll < 0.88) kind = 'backfill';
      else kind = 'block';
      const generated = kind === 'table' ? createTable(file) : kind === 'column' ? addColumn()
        : kind === 'function' ? createFunction() : kind === 'backfill' ? backfill() : dmlBlock();
      statements.push(...generated);
      if (generated.length > 0 && !kinds.includes(kind)) kinds.push(kind);
    }
    const header = `-- Migration ${version}: ${kinds.join(', ')} (generated by bench/corpus.ts, seed ${options.seed ?? 1}).\n`;
    const blockComment = random() < 0.2 ? '/* Statements run one by one; a file may stop halfway on DSQL,\n   so DDL says IF NOT EXISTS where it can. */\n' : '';
    sources.push({ fileName: `${version}_${kinds.join('_')}.sql`, sql: `${header}${blockComment}\n${statements.join(';\n\n')};\n` });
  }
  return sources;
}

/**
 * `count` tiny files for the no-op benchmark: one table, then one idempotent COMMENT per file.
 * What they do does not matter there: a run with everything applied never sends them.
 */
export function tinyMigrations(count: number): MigrationSource[] {
  const width = versionWidth(count);
  const sources: MigrationSource[] = [{ fileName: `${'1'.padStart(width, '0')}_noop_target.sql`, sql: 'CREATE TABLE IF NOT EXISTS noop_target (id INTEGER PRIMARY KEY);\n' }];
  for (let i = 2; i <= count; i++) {
    sources.push({ fileName: `${String(i).padStart(width, '0')}_noop_${i}.sql`, sql: `COMMENT ON TABLE noop_target IS 'version ${i}';\n` });
  }
  return sources;
}

/** Writes sources into an empty folder, as a migrations folder for the constructs. */
export function writeMigrationsFolder(directory: string, sources: ReadonlyArray<MigrationSource>): void {
  fs.mkdirSync(directory, { recursive: true });
  for (const s of sources) fs.writeFileSync(path.join(directory, s.fileName), s.sql);
}
