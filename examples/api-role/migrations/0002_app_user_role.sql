-- A database role for the API function, so that it does not connect as admin.
--
-- The role's name is the `apiDatabaseRole` parameter (app_user by default, set in app.ts). The
-- API function's IAM role may only `dsql:DbConnect` (not DbConnectAdmin); the deploy maps it to
-- this role (AWS IAM GRANT) after the migrations, from `db.grantDatabaseRole` in app.ts: no ARN
-- is written here.
--
-- CREATE ROLE has no IF NOT EXISTS; if this file stops halfway, the runner resumes it after the
-- last statement that succeeded.

CREATE ROLE ${{ apiDatabaseRole }} WITH LOGIN;

-- Only what the API does: read and add orders. No UPDATE, DELETE or DDL.
GRANT USAGE ON SCHEMA public TO ${{ apiDatabaseRole }};
GRANT SELECT, INSERT ON orders TO ${{ apiDatabaseRole }};
