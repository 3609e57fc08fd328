-- Calendar feeds (#15): a person's secret iCalendar address for their own plan or a project's.
-- Only the SHA-256 of the secret is kept. A feed is bound to the person's uid, so deleting the
-- person deletes their feeds and a person created later with the same id gets none of them;
-- deleting the project deletes its feeds (and a project id is never used again).
CREATE TABLE calendar_feeds (
    id            text PRIMARY KEY,
    display_name  text NOT NULL DEFAULT '',
    person_uid    uuid NOT NULL REFERENCES people (uid) ON DELETE CASCADE,
    project_id    text REFERENCES projects ON DELETE CASCADE,
    secret_hash   bytea NOT NULL,
    create_time   timestamptz NOT NULL DEFAULT now(),
    revoke_time   timestamptz
);
CREATE INDEX calendar_feeds_person ON calendar_feeds (person_uid, create_time DESC, id DESC);
CREATE INDEX calendar_feeds_project ON calendar_feeds (project_id) WHERE project_id IS NOT NULL;
