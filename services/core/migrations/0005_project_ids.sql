-- Every project id ever used, kept when the project is deleted: a deleted project's id is
-- retired for good, so no one can create a project of that name and inherit its audit history,
-- notes, proposals, alerts, risk scores, rules or webhooks (security review, #13 finding 1).
-- The primary key serialises a create against a concurrent create or delete of the same id.
CREATE TABLE project_ids (
    id           text PRIMARY KEY,
    create_time  timestamptz NOT NULL DEFAULT now(),
    delete_time  timestamptz
);
INSERT INTO project_ids (id, create_time) SELECT id, create_time FROM projects;
-- Projects deleted before this migration are known by the audit history they left behind.
INSERT INTO project_ids (id, create_time, delete_time)
    SELECT project, min(time), max(time) FROM audit_log
    WHERE project IS NOT NULL AND project <> ''
    GROUP BY project
    ON CONFLICT (id) DO NOTHING;
