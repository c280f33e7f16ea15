-- A database role for the API function, so that it does not connect as admin.
--
-- The API function's IAM role may only `dsql:DbConnect` (not DbConnectAdmin); DSQL then lets it in
-- as the database role that `AWS IAM GRANT` maps its IAM role to. The role's ARN differs per
-- account, so this file holds a placeholder that app.ts fills in at synth time (see README.md).
-- Once applied, this file must not change: to map another IAM role, write a new migration with
-- `AWS IAM REVOKE app_user FROM '<old arn>'` and `AWS IAM GRANT app_user TO '<new arn>'`.
--
-- CREATE ROLE has no IF NOT EXISTS; if this file stops halfway, the runner resumes it after the
-- last statement that succeeded. On PostgreSQL (local runs, tests) AWS IAM GRANT is skipped.

CREATE ROLE app_user WITH LOGIN;

AWS IAM GRANT app_user TO '${api_role_arn}';

-- Only what the API does: read and add orders. No UPDATE, DELETE or DDL.
GRANT USAGE ON SCHEMA public TO app_user;
GRANT SELECT, INSERT ON orders TO app_user;
