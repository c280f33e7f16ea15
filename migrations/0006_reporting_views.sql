-- Reporting helpers. Functions on DSQL must be LANGUAGE SQL; the body below holds semicolons
-- and quotes inside a dollar quote, which the runner keeps whole.

CREATE OR REPLACE FUNCTION priority_label(p INTEGER) RETURNS TEXT
LANGUAGE SQL IMMUTABLE
AS $body$
  SELECT CASE
    WHEN p <= 1 THEN 'urgent; do it now'
    WHEN p = 2 THEN 'high'
    WHEN p = 3 THEN 'normal'
    ELSE 'low (it''s fine)'
  END
$body$;

CREATE OR REPLACE VIEW open_tasks AS
  SELECT t.id, t.title, p.name AS project, priority_label(t.priority) AS priority, t.due_at
  FROM tasks t
  JOIN projects p ON p.id = t.project_id
  WHERE t.status <> 'done' AND NOT p.archived;
