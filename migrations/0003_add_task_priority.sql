-- DSQL's ADD COLUMN takes no DEFAULT, NOT NULL or constraint: add the column bare, then set the
-- default for new rows in a statement of its own. Existing rows are backfilled in 0004, because
-- DDL and DML cannot share a transaction.

ALTER TABLE tasks ADD COLUMN IF NOT EXISTS priority INTEGER;
ALTER TABLE tasks ALTER COLUMN priority SET DEFAULT 3;
