-- Crews and staff pools (#14): how many people a task needs at once, with which skills and
-- from which staff pool; who its crew is once a plan is accepted; a project's staff pools
-- (named groups of people with their own working days). Read whole, so jsonb and text[].
ALTER TABLE tasks
    ADD COLUMN staffing jsonb NOT NULL DEFAULT '{}',
    ADD COLUMN crew text[] NOT NULL DEFAULT '{}';
ALTER TABLE projects ADD COLUMN staff_pools jsonb NOT NULL DEFAULT '[]';
