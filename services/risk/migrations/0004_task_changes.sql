-- Each task's workflow moves and estimate changes, so the time in each state, reopens and
-- estimate changes can be replayed to any moment (training sees finished tasks as they were
-- while open). Replaces the running totals kept on the task row.
CREATE TABLE task_changes (
    -- The transition's resource name in core, or `events/{id}` for an estimate change.
    name text PRIMARY KEY,
    task text NOT NULL,
    time timestamptz NOT NULL,
    from_state text NOT NULL DEFAULT '',
    to_state text NOT NULL DEFAULT '',
    estimate_changed boolean NOT NULL DEFAULT false
);
CREATE INDEX task_changes_task ON task_changes (task, time);

ALTER TABLE tasks
    DROP COLUMN state_since,
    DROP COLUMN days_in_state,
    DROP COLUMN reopen_count,
    DROP COLUMN estimate_changes;
