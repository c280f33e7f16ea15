-- Secondary indexes. DSQL builds every index in the background: CREATE INDEX must say ASYNC,
-- and the deploy waits for the build jobs before it completes. On plain PostgreSQL (local tests)
-- the runner drops ASYNC and builds them at once.
-- No index is created automatically on a foreign key column, so add one for each join path.

CREATE INDEX ASYNC IF NOT EXISTS projects_owner_idx ON projects (owner_id);
CREATE INDEX ASYNC IF NOT EXISTS tasks_project_status_idx ON tasks (project_id, status);
CREATE INDEX ASYNC IF NOT EXISTS tasks_due_idx ON tasks (due_at) INCLUDE (title);
