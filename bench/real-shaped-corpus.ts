/**
 * A deterministic corpus shaped like real ORM migration sets (Prisma, diesel): many small files of
 * 1 to 30 statements, a large first file, enums, SQL functions and views, seed rows.
 *
 * Every file is valid for DSQL, so `dsql-migrations apply` runs it with its lint on, as users run
 * it. Where the real sets write what DSQL refuses, the DSQL form is used: an enum is a domain
 * (`CREATE TYPE ... AS ENUM` is refused, `CREATE DOMAIN` works: docs/dsql-facts.md §1.2), functions
 * are `LANGUAGE SQL` (no PL/pgSQL or triggers), indexes say `ASYNC`, a column gets its default in a
 * second statement (§1.3). psql and the bare loop get the same files translated for PostgreSQL.
 */
import { seededDraws, versionWidth } from './corpus';
import { MigrationSource } from '../src/engine';

export interface RealShapedOptions {
  /** @default 400 */
  readonly files?: number;
  /** Same seed, same files. @default 1 */
  readonly seed?: number;
}

interface Enum {
  readonly name: string;
  readonly values: string[];
}

interface Model {
  /** Prisma quotes PascalCase identifiers; diesel writes snake_case unquoted. */
  readonly prisma: boolean;
  readonly name: string;
  readonly columns: string[];
  indexes: number;
}

const MODEL_NAMES = ['User', 'Account', 'Session', 'Post', 'Comment', 'Team', 'Invite', 'Project', 'Event', 'Webhook', 'ApiKey', 'Report'];
const ENUM_NAMES = ['Role', 'Status', 'Plan', 'Visibility', 'EventKind', 'Channel'];
const ENUM_VALUES = ['ACTIVE', 'PENDING', 'DISABLED', 'ADMIN', 'MEMBER', 'OWNER', 'PUBLIC', 'PRIVATE', 'DRAFT', 'ARCHIVED'];
const FIELD_TYPES: ReadonlyArray<{ base: string; type: string; value: string }> = [
  { base: 'title', type: 'TEXT', value: "''" },
  { base: 'count', type: 'INTEGER', value: '0' },
  { base: 'enabled', type: 'BOOLEAN', value: 'true' },
  { base: 'expiresAt', type: 'TIMESTAMP(3)', value: 'CURRENT_TIMESTAMP' },
  { base: 'metadata', type: 'JSONB', value: "'{}'" },
  { base: 'price', type: 'DECIMAL(65,30)', value: '0' },
  { base: 'slug', type: 'VARCHAR(191)', value: "''" },
];

const snake = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

/** Generates `files` migration sources, `0001_...sql` onwards; most hold 1 to 5 statements, a few up to 30. */
export function generateRealShapedCorpus(options: RealShapedOptions = {}): MigrationSource[] {
  const files = options.files ?? 400;
  const { random, int, pick } = seededDraws(options.seed ?? 1);
  const enums: Enum[] = [];
  const models: Model[] = [];
  let functions = 0;
  let rows = 0;

  const ident = (m: Model, name: string) => (m.prisma ? `"${name}"` : snake(name));
  // Prisma names a table after its model; diesel uses plural snake_case (`users`: `user` is reserved).
  const tableOf = (m: Model) => (m.prisma ? `"${m.name}"` : `${snake(m.name)}s`);

  const createEnum = (): string[] => {
    const base = ENUM_NAMES[enums.length % ENUM_NAMES.length];
    const e: Enum = { name: `${base}${enums.length >= ENUM_NAMES.length ? enums.length : ''}`, values: [] };
    for (const v of ENUM_VALUES) if (e.values.length < 2 || random() < 0.3) e.values.push(v);
    enums.push(e);
    return [`-- CreateEnum\nCREATE DOMAIN "${e.name}" AS VARCHAR(32) CHECK (VALUE IN (${e.values.map((v) => `'${v}'`).join(', ')}))`];
  };

  const createModel = (): string[] => {
    const base = MODEL_NAMES[models.length % MODEL_NAMES.length];
    const m: Model = { prisma: random() < 0.6, name: `${base}${models.length >= MODEL_NAMES.length ? models.length : ''}`, columns: [], indexes: 0 };
    const table = tableOf(m);
    const parent = models.length > 0 && random() < 0.5 ? pick(models) : undefined;
    const kind = enums.length > 0 && random() < 0.6 ? pick(enums) : undefined;
    const lines = [
      `${ident(m, 'id')} UUID NOT NULL DEFAULT gen_random_uuid()`,
      `${ident(m, 'name')} TEXT NOT NULL`,
      `${ident(m, 'email')} VARCHAR(191)`,
      ...(kind ? [`${ident(m, 'kind')} "${kind.name}" NOT NULL DEFAULT '${kind.values[0]}'`] : []),
      ...(parent ? [`${ident(m, `${snake(parent.name)}Id`)} UUID REFERENCES ${tableOf(parent)} (${ident(parent, 'id')}) ON DELETE CASCADE`] : []),
      `${ident(m, 'createdAt')} TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP`,
      `${ident(m, 'updatedAt')} TIMESTAMP(3)`,
      `CONSTRAINT ${ident(m, `${m.name}_pkey`)} PRIMARY KEY (${ident(m, 'id')})`,
    ];
    models.push(m);
    const statements = [`-- CreateTable\nCREATE TABLE ${table} (\n    ${lines.join(',\n    ')}\n)`];
    statements.push(`-- CreateIndex\nCREATE UNIQUE INDEX ASYNC ${ident(m, `${m.name}_email_key`)} ON ${table} (${ident(m, 'email')})`);
    m.indexes++;
    if (parent) {
      statements.push(`-- CreateIndex\nCREATE INDEX ASYNC ${ident(m, `${m.name}_${snake(parent.name)}Id_idx`)} ON ${table} (${ident(m, `${snake(parent.name)}Id`)})`);
      m.indexes++;
    }
    return statements;
  };

  const addField = (): string[] => {
    const m = pick(models);
    const f = pick(FIELD_TYPES);
    const name = `${f.base}${m.columns.length + 1}`;
    m.columns.push(name);
    const table = tableOf(m);
    const statements = [
      `-- AlterTable\nALTER TABLE ${table} ADD COLUMN ${ident(m, name)} ${f.type}`,
      `ALTER TABLE ${table} ALTER COLUMN ${ident(m, name)} SET DEFAULT ${f.value}`,
    ];
    if (m.indexes < 6 && f.type !== 'JSONB' && random() < 0.3) {
      statements.push(`-- CreateIndex\nCREATE INDEX ASYNC ${ident(m, `${m.name}_${name}_idx`)} ON ${table} (${ident(m, name)})`);
      m.indexes++;
    }
    return statements;
  };

  const createFunction = (): string[] => {
    functions++;
    const m = pick(models);
    const table = tableOf(m);
    const statements = [
      `CREATE OR REPLACE FUNCTION hot_rank${functions}(score NUMERIC, published TIMESTAMP) RETURNS INTEGER\n` +
        'LANGUAGE SQL IMMUTABLE\nAS $$\n  -- rank decays with age; a floor keeps it positive\n' +
        '  SELECT floor(10000 * log(greatest(1, score + 3)) / power(((EXTRACT(EPOCH FROM (now() - published)) / 3600) + 2), 1.8))::INTEGER;\n$$',
    ];
    if (random() < 0.6) {
      statements.push(
        `CREATE OR REPLACE VIEW ${snake(m.name)}_recent${functions} AS\n  SELECT ${ident(m, 'id')}, ${ident(m, 'name')}, hot_rank${functions}(1, ${ident(m, 'createdAt')}) AS rank\n` +
          `  FROM ${table}\n  WHERE ${ident(m, 'createdAt')} > TIMESTAMP '2020-01-01'`,
      );
    }
    return statements;
  };

  const seedRows = (): string[] => {
    const m = pick(models);
    const values: string[] = [];
    for (let k = int(1, 5); k > 0; k--) {
      rows++;
      values.push(`('seed ${rows}; it''s here', 'user${rows}@example.com')`);
    }
    const insert = `INSERT INTO ${tableOf(m)} (${ident(m, 'name')}, ${ident(m, 'email')}) VALUES\n  ${values.join(',\n  ')}`;
    const update = `UPDATE ${tableOf(m)} SET ${ident(m, 'updatedAt')} = CURRENT_TIMESTAMP WHERE ${ident(m, 'updatedAt')} IS NULL`;
    // Prisma wraps data changes in BEGIN/COMMIT; diesel leaves them bare.
    return m.prisma && random() < 0.5 ? ['BEGIN', insert, update, 'COMMIT'] : [insert, update];
  };

  const comment = (): string[] => {
    const m = pick(models);
    return [`COMMENT ON COLUMN ${tableOf(m)}.${ident(m, 'name')} IS 'Display name; shown to other members'`];
  };

  const sources: MigrationSource[] = [];
  const width = versionWidth(files);
  for (let file = 1; file <= files; file++) {
    // File sizes as in the real sets: a large initial schema, then mostly one small change each.
    // The largest step writes 4 statements, so a target of at most 27 keeps every file within 30.
    const target = file === 1 ? 27 : random() < 0.08 ? int(10, 27) : int(1, 5);
    const statements: string[] = [];
    const kinds: string[] = [];
    while (statements.length < target) {
      const roll = random();
      let kind: string;
      if (models.length < 2 || (file === 1 && roll < 0.5)) kind = enums.length < 2 || roll < 0.15 ? 'enum' : 'model';
      else if (roll < 0.12) kind = 'enum';
      else if (roll < 0.3) kind = 'model';
      else if (roll < 0.6) kind = 'field';
      else if (roll < 0.72) kind = 'function';
      else if (roll < 0.92) kind = 'seed';
      else kind = 'comment';
      const generated = kind === 'enum' ? createEnum() : kind === 'model' ? createModel() : kind === 'field' ? addField()
        : kind === 'function' ? createFunction() : kind === 'seed' ? seedRows() : comment();
      statements.push(...generated);
      if (!kinds.includes(kind)) kinds.push(kind);
    }
    const name = `${String(file).padStart(width, '0')}_${kinds.join('_')}.sql`;
    sources.push({ fileName: name, sql: `${statements.join(';\n\n')};\n` });
  }
  return sources;
}
