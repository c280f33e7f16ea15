/* An append-only history of task changes.
   Identity columns on DSQL need an explicit CACHE of 1 or at least 65536. */
CREATE TABLE IF NOT EXISTS task_events (
  id         BIGINT GENERATED ALWAYS AS IDENTITY (CACHE 65536) PRIMARY KEY,
  task_id    UUID NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  kind       VARCHAR(40) NOT NULL,
  detail     TEXT,
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE INDEX ASYNC IF NOT EXISTS task_events_task_idx ON task_events (task_id, created_at);
