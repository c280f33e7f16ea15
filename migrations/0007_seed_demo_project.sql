-- Reference data: a demo user with one project and a first task, written as one transaction of DML only, which
-- DSQL allows (no DDL in it, well under the 3,000-row limit). The runner records the migration
-- in the same transaction, so the data and its record commit together.
BEGIN;
INSERT INTO users (id, email, display_name)
  VALUES ('00000000-0000-4000-8000-000000000001', 'demo@example.com', 'Demo User')
  ON CONFLICT (id) DO NOTHING;
INSERT INTO projects (id, owner_id, name)
  VALUES ('00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000001', 'Getting started')
  ON CONFLICT (id) DO NOTHING;
INSERT INTO tasks (id, project_id, title, priority)
  VALUES ('00000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000002', 'Read the README', 2)
  ON CONFLICT (id) DO NOTHING;
COMMIT;
