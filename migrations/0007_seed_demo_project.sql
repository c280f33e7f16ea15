-- Reference data: a demo user, a project and a first task, in one transaction of DML only, which
-- DSQL allows (no DDL in it, well under the 3,000-row limit). The runner records the migration in
-- the same transaction, so the rows and the record commit together, exactly once.
BEGIN;
INSERT INTO users (id, email, display_name)
  VALUES ('00000000-0000-4000-8000-000000000001', 'demo@example.com', 'Demo User');
INSERT INTO projects (id, owner_id, name)
  VALUES ('00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000001', 'Getting started');
INSERT INTO tasks (id, project_id, title, priority)
  VALUES ('00000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000002', 'Read the README', 2);
COMMIT;
