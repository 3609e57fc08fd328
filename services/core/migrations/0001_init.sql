-- The system of record. Every mutation writes its row, an audit_log row and an outbox row in
-- one transaction; the outbox relay publishes to JetStream.

CREATE TABLE projects (
    id            text PRIMARY KEY,
    display_name  text NOT NULL,
    description   text NOT NULL DEFAULT '',
    time_zone     text NOT NULL,
    calendar      jsonb NOT NULL,
    start_date    date,
    deadline      date,
    workflow      jsonb NOT NULL,
    version       bigint NOT NULL DEFAULT 1,
    create_time   timestamptz NOT NULL DEFAULT now(),
    update_time   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE people (
    id                     text PRIMARY KEY,
    display_name           text NOT NULL,
    email                  text UNIQUE,
    aliases                text[] NOT NULL DEFAULT '{}',
    skills                 jsonb NOT NULL DEFAULT '[]',
    weekly_capacity_hours  double precision NOT NULL,
    working_days           int[] NOT NULL,
    time_off               jsonb NOT NULL DEFAULT '[]',
    cost_rate              double precision NOT NULL DEFAULT 0,
    version                bigint NOT NULL DEFAULT 1,
    create_time            timestamptz NOT NULL DEFAULT now(),
    update_time            timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE memberships (
    project_id   text NOT NULL REFERENCES projects ON DELETE CASCADE,
    member       text NOT NULL,
    roles        text[] NOT NULL,
    version      bigint NOT NULL DEFAULT 1,
    create_time  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (project_id, member)
);
CREATE INDEX memberships_member ON memberships (member);

CREATE TABLE iterations (
    id            bigserial PRIMARY KEY,
    project_id    text NOT NULL REFERENCES projects ON DELETE CASCADE,
    display_name  text NOT NULL,
    goal          text NOT NULL DEFAULT '',
    start_date    date NOT NULL,
    end_date      date NOT NULL,
    version       bigint NOT NULL DEFAULT 1,
    create_time   timestamptz NOT NULL DEFAULT now(),
    CHECK (end_date >= start_date)
);
CREATE INDEX iterations_project ON iterations (project_id, start_date DESC, id DESC);

CREATE TABLE tasks (
    id                 bigserial PRIMARY KEY,
    project_id         text NOT NULL REFERENCES projects ON DELETE CASCADE,
    title              text NOT NULL,
    description        text NOT NULL DEFAULT '',
    state              text NOT NULL,
    priority           smallint NOT NULL DEFAULT 2,
    assignee           text REFERENCES people ON DELETE RESTRICT,
    required_skills    jsonb NOT NULL DEFAULT '[]',
    estimate_hours     double precision NOT NULL DEFAULT 0,
    optimistic_hours   double precision NOT NULL DEFAULT 0,
    pessimistic_hours  double precision NOT NULL DEFAULT 0,
    planned_start      date,
    planned_end        date,
    due_date           date,
    actual_start       timestamptz,
    actual_end         timestamptz,
    parent_id          bigint REFERENCES tasks ON DELETE SET NULL,
    labels             text[] NOT NULL DEFAULT '{}',
    source             smallint NOT NULL DEFAULT 1,
    source_ref         text NOT NULL DEFAULT '',
    iteration_id       bigint REFERENCES iterations ON DELETE SET NULL,
    locked             boolean NOT NULL DEFAULT false,
    version            bigint NOT NULL DEFAULT 1,
    create_time        timestamptz NOT NULL DEFAULT now(),
    update_time        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tasks_project ON tasks (project_id, id);
CREATE INDEX tasks_project_due ON tasks (project_id, due_date, id);
CREATE INDEX tasks_project_priority ON tasks (project_id, priority DESC, id);
CREATE INDEX tasks_project_updated ON tasks (project_id, update_time DESC, id DESC);
CREATE INDEX tasks_assignee ON tasks (assignee) WHERE assignee IS NOT NULL;
CREATE INDEX tasks_labels ON tasks USING gin (labels);

CREATE TABLE dependencies (
    id              bigserial PRIMARY KEY,
    project_id      text NOT NULL REFERENCES projects ON DELETE CASCADE,
    predecessor_id  bigint NOT NULL REFERENCES tasks ON DELETE CASCADE,
    successor_id    bigint NOT NULL REFERENCES tasks ON DELETE CASCADE,
    type            smallint NOT NULL,
    lag_days        integer NOT NULL DEFAULT 0,
    version         bigint NOT NULL DEFAULT 1,
    create_time     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (predecessor_id, successor_id),
    CHECK (predecessor_id <> successor_id)
);
CREATE INDEX dependencies_project ON dependencies (project_id, id);
CREATE INDEX dependencies_successor ON dependencies (successor_id);

-- No foreign key to tasks: the workflow history outlives a deleted task.
CREATE TABLE task_transitions (
    id          bigserial PRIMARY KEY,
    task_id     bigint NOT NULL,
    project_id  text NOT NULL,
    from_state  text NOT NULL,
    to_state    text NOT NULL,
    actor       jsonb NOT NULL,
    time        timestamptz NOT NULL DEFAULT now(),
    comment     text NOT NULL DEFAULT ''
);
CREATE INDEX task_transitions_task ON task_transitions (task_id, id);

CREATE TABLE comments (
    id           bigserial PRIMARY KEY,
    task_id      bigint NOT NULL REFERENCES tasks ON DELETE CASCADE,
    project_id   text NOT NULL,
    author       jsonb NOT NULL,
    body         text NOT NULL,
    create_time  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX comments_task ON comments (task_id, id);

CREATE TABLE time_entries (
    id           bigserial PRIMARY KEY,
    task_id      bigint NOT NULL REFERENCES tasks ON DELETE CASCADE,
    project_id   text NOT NULL,
    person       text NOT NULL REFERENCES people ON DELETE RESTRICT,
    work_date    date NOT NULL,
    hours        double precision NOT NULL CHECK (hours > 0 AND hours <= 24),
    note         text NOT NULL DEFAULT '',
    create_time  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX time_entries_task ON time_entries (task_id, id);

CREATE TABLE templates (
    id            text PRIMARY KEY,
    display_name  text NOT NULL,
    description   text NOT NULL DEFAULT '',
    anchor        text NOT NULL DEFAULT '',
    body          jsonb NOT NULL,
    version       bigint NOT NULL DEFAULT 1,
    create_time   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
    id            text PRIMARY KEY,
    display_name  text NOT NULL DEFAULT '',
    principal     text NOT NULL,
    admin         boolean NOT NULL DEFAULT false,
    secret_hash   bytea NOT NULL,
    create_time   timestamptz NOT NULL DEFAULT now(),
    revoke_time   timestamptz
);
CREATE INDEX api_keys_principal ON api_keys (principal);

-- A create retried with the same request_id returns the resource the first call made.
CREATE TABLE idempotency (
    principal    text NOT NULL,
    method       text NOT NULL,
    request_id   text NOT NULL,
    resources    text[] NOT NULL,
    create_time  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (principal, method, request_id)
);

CREATE TABLE audit_log (
    id          bigserial PRIMARY KEY,
    time        timestamptz NOT NULL DEFAULT now(),
    actor       jsonb NOT NULL,
    request_id  text NOT NULL,
    method      text NOT NULL,
    resource    text NOT NULL,
    project     text,
    action      text NOT NULL,
    before      jsonb,
    after       jsonb
);
CREATE INDEX audit_log_project ON audit_log (project, id DESC);
CREATE INDEX audit_log_resource ON audit_log (resource text_pattern_ops, id DESC);

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();

CREATE TABLE outbox (
    id                 bigserial PRIMARY KEY,
    event_id           uuid NOT NULL UNIQUE,
    subject            text NOT NULL,
    aggregate          text NOT NULL,
    aggregate_version  bigint NOT NULL,
    payload            bytea NOT NULL,
    create_time        timestamptz NOT NULL DEFAULT now(),
    sent_time          timestamptz
);
CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_time IS NULL;

CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('planops_core_outbox', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
