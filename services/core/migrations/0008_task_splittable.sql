-- Splittable tasks (#14): the planner may pause such a task over its assignee's days off.
ALTER TABLE tasks ADD COLUMN splittable boolean NOT NULL DEFAULT false;
