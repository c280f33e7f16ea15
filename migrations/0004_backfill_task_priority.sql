-- Backfill for 0003. A DSQL transaction may change at most 3,000 rows: a table larger than that
-- needs the update batched (for example by id range, one migration or job per batch).
UPDATE tasks SET priority = 3 WHERE priority IS NULL;
