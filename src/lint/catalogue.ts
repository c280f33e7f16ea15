/**
 * The rule catalogue: ids, default severities, one-line messages and the DSQL documentation each
 * rule rests on. Rule ids are stable; a rule that DSQL outgrows is removed, not renamed.
 * The facts behind each rule are in ../shared/docs/dsql-facts.md (section numbers in `fact`).
 */

export type Severity = 'error' | 'warning';
export type RuleSetting = Severity | 'off';

/**
 * - compatibility: DSQL rejects the statement (or treats it differently from PostgreSQL);
 * - transaction: DSQL's one-DDL-per-transaction and no-DDL-with-DML rules;
 * - runner: the file shape this project's runner needs (balanced BEGIN/COMMIT, no ROLLBACK);
 * - rerunnability: a file that stops halfway must be safe to apply again;
 * - limits: statements that may exceed a DSQL quota at run time;
 * - meta: the linter's own findings (unused suppressions).
 */
export type RuleCategory = 'compatibility' | 'transaction' | 'runner' | 'rerunnability' | 'limits' | 'meta';

export interface RuleInfo {
  readonly id: string;
  readonly severity: Severity;
  readonly category: RuleCategory;
  /** Whether `fixSql` can rewrite at least some occurrences (each diagnostic says for itself). */
  readonly fixable: boolean;
  readonly message: string;
  readonly docUrl: string;
  /** Where the rule comes from in dsql-facts.md, and the DSQL change it follows, if any. */
  readonly fact: string;
}

const DOCS = 'https://docs.aws.amazon.com/aurora-dsql/latest/userguide';
export const DOC = {
  unsupported: `${DOCS}/working-with-postgresql-compatibility-unsupported-features.html`,
  migrationGuide: `${DOCS}/working-with-postgresql-compatibility-migration-guide.html`,
  supportedSql: `${DOCS}/working-with-postgresql-compatibility-supported-sql-features.html`,
  createIndex: `${DOCS}/create-index-syntax-support.html`,
  createIndexAsync: `${DOCS}/working-with-create-index-async.html`,
  alterTable: `${DOCS}/alter-table-syntax-support.html`,
  createTable: `${DOCS}/create-table-syntax-support.html`,
  primaryKeys: `${DOCS}/working-with-primary-keys.html`,
  foreignKeys: `${DOCS}/working-with-foreign-key-constraints.html`,
  createSequence: `${DOCS}/create-sequence-syntax-support.html`,
  dataTypes: `${DOCS}/working-with-postgresql-compatibility-supported-data-types.html`,
  ddl: `${DOCS}/working-with-ddl.html`,
  quotas: `${DOCS}/CHAP_quotas.html`,
  isolation: `${DOCS}/working-with.html`,
  concurrency: `${DOCS}/working-with-concurrency-control.html`,
  systemTables: `${DOCS}/working-with-systems-tables.html`,
  authentication: `${DOCS}/authentication-authorization.html`,
  // DSQL's JSONB rejection is documented by AWS Labs, not the user guide (dsql-facts §7).
  jsonb: 'https://github.com/awslabs/agent-plugins/commit/715fa78',
} as const;

const rule = (id: string, severity: Severity, category: RuleCategory, fixable: boolean, message: string, docUrl: string, fact: string): RuleInfo =>
  ({ id, severity, category, fixable, message, docUrl, fact });

export const RULES: ReadonlyArray<RuleInfo> = [
  // Indexes
  rule('index-requires-async', 'error', 'compatibility', true, 'CREATE INDEX must say ASYNC: DSQL builds every index as a background job', DOC.createIndex, '§1.6, §3'),
  rule('index-concurrently', 'error', 'compatibility', true, 'CONCURRENTLY is PostgreSQL syntax; DSQL builds indexes in the background with ASYNC', DOC.createIndexAsync, '§3'),
  rule('index-using-method', 'error', 'compatibility', true, 'CREATE INDEX takes no USING access method on DSQL', DOC.createIndex, '§1.6'),
  rule('index-sort-order', 'error', 'compatibility', true, 'ASC/DESC are not allowed in a DSQL index column list (NULLS FIRST/LAST are)', DOC.createIndex, '§1.1, §1.6'),
  // ALTER TABLE
  rule('add-column-constraint', 'error', 'compatibility', true, 'ADD COLUMN takes no DEFAULT, NOT NULL or constraint on DSQL: add the bare column, then alter it', DOC.alterTable, '§1.3'),
  rule('alter-column-type', 'error', 'compatibility', false, 'ALTER COLUMN ... TYPE is not supported: add a new column, copy the data in batches, drop the old one', DOC.alterTable, '§1.3'),
  rule('set-not-null', 'error', 'compatibility', false, 'ALTER COLUMN ... SET NOT NULL is not supported: use a CHECK (col IS NOT NULL) NOT VALID constraint', DOC.alterTable, '§1.3'),
  rule('add-primary-key', 'error', 'compatibility', true, 'ADD PRIMARY KEY is not supported: a DSQL primary key is fixed when the table is created', DOC.primaryKeys, '§1.2, §1.3'),
  rule('add-unique-constraint', 'error', 'compatibility', true, 'ALTER TABLE ... ADD UNIQUE is not supported: declare it in CREATE TABLE or use CREATE UNIQUE INDEX ASYNC', DOC.alterTable, '§1.3'),
  rule('constraint-not-valid', 'error', 'compatibility', true, 'ADD CONSTRAINT (foreign key or check) needs NOT VALID, then ALTER TABLE ASYNC ... VALIDATE CONSTRAINT', DOC.alterTable, '§1.3, §1.4 (NOT VALID since Aug 2026, foreign keys since Aug 26, 2026)'),
  rule('validate-constraint-async', 'error', 'compatibility', true, 'VALIDATE CONSTRAINT runs as a background job on DSQL: write ALTER TABLE ASYNC', DOC.alterTable, '§1.3, §3'),
  rule('alter-table-unsupported-action', 'error', 'compatibility', true, 'This ALTER TABLE action is not in DSQL\'s ALTER TABLE grammar', DOC.alterTable, '§1.3 (DROP COLUMN is allowed since Aug 2026)'),
  // Types
  rule('serial-type', 'error', 'compatibility', true, 'SERIAL types do not exist on DSQL: use BIGINT GENERATED BY DEFAULT AS IDENTITY (CACHE ...)', DOC.createSequence, '§1.5 (identity columns since Feb 2026)'),
  rule('identity-cache', 'error', 'compatibility', true, 'An identity column needs an explicit CACHE of 1 or at least 65536 on DSQL', DOC.createSequence, '§1.5'),
  rule('identity-type', 'error', 'compatibility', true, 'An identity column must be BIGINT on DSQL', DOC.createSequence, '§1.5'),
  rule('sequence-cache', 'error', 'compatibility', true, 'A sequence needs an explicit CACHE of 1 or at least 65536 on DSQL', DOC.createSequence, '§1.5 (sequences since Feb 2026)'),
  rule('sequence-type', 'error', 'compatibility', true, 'A sequence must be AS BIGINT on DSQL', DOC.createSequence, '§1.5'),
  // A warning, not an error: AWS Labs saw JSONB columns rejected (dsql-facts §7), while dsql-lint
  // 0.2.14 (Aug 2026) lists JSONB as supported after its own cluster tests. Raise it per project.
  rule('jsonb-column', 'warning', 'compatibility', true, 'JSONB columns were rejected by DSQL (JSON columns are accepted); check that your cluster accepts JSONB', DOC.jsonb, '§7 (evidence conflicts: see docs/lint-rules.md)'),
  rule('array-column', 'error', 'compatibility', false, 'Array columns are rejected by DSQL: use a child table or a JSON column', DOC.jsonb, '§7'),
  rule('unsupported-column-type', 'error', 'compatibility', false, 'This column type is rejected by DSQL', DOC.jsonb, '§7'),
  rule('create-type', 'error', 'compatibility', false, 'CREATE TYPE (enums, composites) is not supported: use a CHECK constraint, a lookup table or CREATE DOMAIN', DOC.unsupported, '§1.1, §1.2'),
  // Objects DSQL does not have
  rule('trigger', 'error', 'compatibility', false, 'Triggers are not supported on DSQL', DOC.unsupported, '§1.1, §1.2'),
  rule('extension', 'error', 'compatibility', true, 'Extensions are not supported on DSQL (gen_random_uuid() is built in)', DOC.unsupported, '§1.1'),
  rule('temporary-object', 'error', 'compatibility', true, 'Temporary tables, views and sequences are not supported on DSQL', DOC.unsupported, '§1.1, §1.2'),
  rule('materialized-view', 'error', 'compatibility', false, 'Materialized views are not supported on DSQL (plain views are)', DOC.unsupported, '§1.1, §1.2'),
  rule('partition', 'error', 'compatibility', true, 'Partitioned tables are not supported on DSQL', DOC.unsupported, '§1.1'),
  rule('inherits', 'error', 'compatibility', true, 'Table inheritance (INHERITS) is not supported on DSQL', DOC.unsupported, '§1.1'),
  rule('create-table-as', 'error', 'compatibility', false, 'CREATE TABLE ... AS is not supported: create the table, then INSERT ... SELECT in batches', DOC.unsupported, '§1.1'),
  rule('collate', 'error', 'compatibility', true, 'COLLATE is not supported in CREATE TABLE: DSQL uses only the C collation', DOC.unsupported, '§1.1, §1.7'),
  rule('create-database', 'error', 'compatibility', false, 'A DSQL cluster has one database, postgres: it cannot be created, altered or dropped', DOC.unsupported, '§1.1'),
  rule('tablespace', 'error', 'compatibility', true, 'Tablespaces do not exist on DSQL', DOC.unsupported, '§1.1'),
  rule('storage-parameters', 'error', 'compatibility', true, 'Table and index storage parameters (WITH (...)) are not supported on DSQL', DOC.createTable, '§1.2'),
  rule('non-sql-function', 'error', 'compatibility', false, 'Functions must be LANGUAGE SQL on DSQL (PL/pgSQL and other languages are not supported)', DOC.supportedSql, '§1.2, §1.7'),
  rule('procedure', 'error', 'compatibility', false, 'CREATE PROCEDURE is not in DSQL\'s supported SQL: use a LANGUAGE SQL function', DOC.supportedSql, '§1.2'),
  rule('do-block', 'error', 'compatibility', false, 'DO blocks run PL/pgSQL, which DSQL does not support', DOC.supportedSql, '§1.7'),
  rule('row-level-security', 'error', 'compatibility', false, 'Row-level security and policies are not supported on DSQL', DOC.supportedSql, '§1.2'),
  // Statements
  rule('truncate', 'error', 'compatibility', true, 'TRUNCATE is not supported: use DELETE FROM (mind the 3,000-row limit) or DROP and CREATE', DOC.migrationGuide, '§1.1, §1.2'),
  rule('vacuum', 'error', 'compatibility', true, 'VACUUM is not supported: DSQL needs no vacuum', DOC.unsupported, '§1.1'),
  rule('lock-table', 'error', 'compatibility', false, 'LOCK TABLE is not supported: DSQL uses optimistic concurrency and has no blocking locks', DOC.concurrency, '§4'),
  rule('savepoint', 'error', 'compatibility', false, 'Savepoints are not supported on DSQL', DOC.unsupported, '§1.1, §2'),
  rule('alter-system', 'error', 'compatibility', false, 'ALTER SYSTEM is not supported on DSQL', DOC.migrationGuide, '§1.1'),
  rule('isolation-level', 'error', 'compatibility', true, 'DSQL runs every transaction at REPEATABLE READ; other isolation levels are rejected', DOC.isolation, '§2'),
  rule('unsupported-statement', 'error', 'compatibility', false, 'This statement is not in DSQL\'s supported SQL', DOC.supportedSql, '§1.2'),
  rule('unknown-statement', 'error', 'compatibility', false, 'Not a SQL statement: the first word is no PostgreSQL command', DOC.supportedSql, '§1.2'),
  rule('syntax-error', 'error', 'compatibility', false, 'The file cannot be split into statements', DOC.supportedSql, '—'),
  // Transactions
  rule('multiple-ddl-in-transaction', 'error', 'transaction', true, 'DSQL allows one DDL statement per transaction: run each DDL statement outside BEGIN ... COMMIT', DOC.ddl, '§2, §9.1'),
  rule('ddl-and-dml-in-transaction', 'error', 'transaction', true, 'DSQL does not allow DDL and DML in one transaction', DOC.ddl, '§2, §9.1'),
  rule('transaction-block', 'error', 'runner', false, 'Unbalanced transaction block: each BEGIN needs a COMMIT, and a migration must not ROLLBACK its own work', DOC.ddl, '§2'),
  // Limits
  rule('unbounded-dml', 'warning', 'limits', false, 'UPDATE or DELETE without WHERE may change more than 3,000 rows, DSQL\'s per-transaction limit', DOC.quotas, '§2, §9.6'),
  // Re-runnability
  rule('create-without-if-not-exists', 'warning', 'rerunnability', true, 'Add IF NOT EXISTS: a migration that stops halfway on DSQL (one DDL per transaction) must be safe to run again', DOC.ddl, '§2, §9.1'),
  rule('drop-without-if-exists', 'warning', 'rerunnability', true, 'Add IF EXISTS: a migration that stops halfway on DSQL (one DDL per transaction) must be safe to run again', DOC.ddl, '§2, §9.1'),
  // Meta
  rule('unused-suppression', 'warning', 'meta', false, 'This dsql-migrations-ignore comment suppresses nothing', DOC.supportedSql, '—'),
];

export const RULES_BY_ID: ReadonlyMap<string, RuleInfo> = new Map(RULES.map((r) => [r.id, r]));
