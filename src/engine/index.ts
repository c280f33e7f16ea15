/**
 * The engine's front door: what the construct, the Lambda handler, the CLI, the API, the lint and the
 * benchmarks use. Code outside src/engine imports from here; tests may reach the modules behind it.
 * The engine imports nothing from outside this folder except Node built-ins.
 */

// Running migrations and reading their state.
export { applyMigrationSet, detectDialect, readMigrationStatus, RunInterruptedError } from './runner';
export type { AppliedMigration, RunnerEvent, RunOptions, RunResult } from './runner';
export type { ConnectFn } from './connect';
export type { SqlSession } from './bookkeeping';
export { MigrationError, MigrationStateError } from './errors';
export type { RunProgress } from './errors';
export { LeaseLostError } from './lock';

// A migration set: files read, parsed and checked.
export { decodeSqlFile, readMigrationFolder } from './migration-folder';
export type { MigrationFolder } from './migration-folder';
export { formatProblem, loadMigrations, migrationSetHash, MigrationValidationError, normalizeSql, parseMigrations, versionedOf } from './migration-set';
export type { Migration, MigrationProblem, MigrationSource } from './migration-set';
export { LOADER_RULE_IDS, LOADER_RULES } from './problem-rules';
export type { LoaderRuleId } from './problem-rules';
export { buildManifest, handlerMemoryNeeded, readManifest } from './manifest';
export type { MigrationManifest } from './manifest';
export { compareVersions, isRepeatableKey, isVersion, latestVersion, looksLikeMigration, parseMigrationFileName, parseRepeatableFileName, toSnakeCase, versionKey } from './naming';
export type { MigrationFileName, RepeatableFileName } from './naming';
export { appliedChecksum, REPEATABLE_KIND } from './repeatable';

// Decisions the runner makes, exposed so `plan` and `status` print the same ones.
export { computeStatus } from './status';
export type { DatabaseState, MigrationState, MigrationStatus } from './status';
export { selectWork } from './selection';
export { planFile, planRepeatable } from './file-plan';
export type { FilePlan } from './file-plan';
export { translateForPostgres } from './dialect';
export type { Dialect } from './dialect';
export { isIdempotentStatement } from './idempotency';

// Bookkeeping, asynchronous index jobs and adopting another tool's history.
export { ensureTables, inspectTables, MIGRATIONS_TABLE, readAppliedBy, readRecords, readState, recordStatement } from './bookkeeping';
export { readAsyncJobs } from './async-jobs';
export { ADOPT_SOURCES, adoptHistory } from './adopt';
export type { AdoptionResult, AdoptSource } from './adopt';

// IAM principals mapped to database roles (AWS IAM GRANT), kept in step with the construct's list.
export { quoteIdentifier, quoteLiteral } from './quoting';
export { databaseRoleProblem, iamGrantStatement, iamRevokeStatement, ROLE_MAPPINGS_TABLE, syncRoleMappings } from './role-mappings';
export type { RoleMapping, RoleMappingResult } from './role-mappings';

// Deploy-time values substituted into the SQL.
export {
  PARAMETER_NAME, parseParameterOptions, placeholdersIn, redactParameters, substituteParameters, UnknownParameterError, unknownParameterMessage,
  unknownParameters, unusedParameterMessage, unusedParameters,
} from './parameters';
export type { ParameterValues, Placeholder, UnknownParameter } from './parameters';

// SQL text: statements, comments, lexical scanning and line numbers (the lint builds on these).
export { splitStatements, SqlSyntaxError } from './splitter';
export type { SplitResult, SqlComment, SqlStatement } from './splitter';
export { classifyStatement } from './classify';
export type { StatementKind } from './classify';
export { dollarTagAt, IDENT_CHAR, IDENT_START, scanDollarQuoted, scanQuoted, skipTrivia } from './lexical';
export { lineIndex } from './lines';
export type { TextPosition } from './lines';
