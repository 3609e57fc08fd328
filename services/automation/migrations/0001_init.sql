-- Automation's own tables (schema `automation`). Core's tables are never read: what the
-- scheduler needs of tasks and projects comes from core's events.

CREATE TABLE processed_events (
    event_id text PRIMARY KEY,
    event_type text NOT NULL,
    processed_time timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE projects (
    project text PRIMARY KEY,
    version bigint NOT NULL,
    -- workflow state id -> category (planned, active, blocked, done, cancelled)
    categories jsonb NOT NULL DEFAULT '{}',
    time_zone text NOT NULL DEFAULT 'UTC',
    deleted boolean NOT NULL DEFAULT false
);

-- The open tasks with a due date, for the due-soon and overdue scheduler.
CREATE TABLE tasks (
    task text PRIMARY KEY,
    project text NOT NULL,
    version bigint NOT NULL,
    due_date date,
    open boolean NOT NULL,
    payload bytea NOT NULL
);
CREATE INDEX tasks_due ON tasks (due_date) WHERE open AND due_date IS NOT NULL;

-- One row per (task, due date, kind): the scheduler publishes each once, whatever the replicas.
CREATE TABLE due_notices (
    task text NOT NULL,
    due_date date NOT NULL,
    kind text NOT NULL,
    event_id uuid NOT NULL,
    notice_time timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (task, due_date, kind)
);

CREATE TABLE webhooks (
    id bigserial PRIMARY KEY,
    project text NOT NULL,
    url text NOT NULL,
    event_types text[] NOT NULL,
    description text NOT NULL DEFAULT '',
    enabled boolean NOT NULL DEFAULT true,
    -- Needed in clear to sign; shown to the creator once.
    secret text NOT NULL,
    creator text NOT NULL,
    request_id text,
    create_time timestamptz NOT NULL DEFAULT now(),
    deleted boolean NOT NULL DEFAULT false,
    UNIQUE (project, request_id)
);
CREATE INDEX webhooks_project ON webhooks (project) WHERE NOT deleted;

CREATE TABLE deliveries (
    id bigserial PRIMARY KEY,
    webhook_id bigint NOT NULL REFERENCES webhooks (id),
    project text NOT NULL,
    event_id text NOT NULL,
    event_type text NOT NULL,
    body bytea NOT NULL,
    state text NOT NULL DEFAULT 'pending',
    attempt_count integer NOT NULL DEFAULT 0,
    next_attempt_time timestamptz NOT NULL DEFAULT now(),
    create_time timestamptz NOT NULL DEFAULT now(),
    UNIQUE (webhook_id, event_id)
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_time) WHERE state = 'pending';
CREATE INDEX deliveries_webhook ON deliveries (webhook_id, id DESC);

CREATE TABLE delivery_attempts (
    delivery_id bigint NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    number integer NOT NULL,
    time timestamptz NOT NULL,
    http_status integer NOT NULL,
    latency_ms double precision NOT NULL,
    error text NOT NULL DEFAULT '',
    PRIMARY KEY (delivery_id, number)
);

CREATE TABLE rules (
    project text NOT NULL,
    rule_id text NOT NULL,
    revision bigint NOT NULL,
    display_name text NOT NULL,
    description text NOT NULL DEFAULT '',
    enabled boolean NOT NULL DEFAULT true,
    trigger text NOT NULL,
    spec jsonb NOT NULL,
    default_rule text NOT NULL DEFAULT '',
    create_time timestamptz NOT NULL DEFAULT now(),
    update_time timestamptz NOT NULL DEFAULT now(),
    deleted boolean NOT NULL DEFAULT false,
    PRIMARY KEY (project, rule_id)
);
CREATE INDEX rules_trigger ON rules (project, trigger) WHERE enabled AND NOT deleted;

-- Every change of a rule, as it was after the change: the rule's own audit log.
CREATE TABLE rule_revisions (
    project text NOT NULL,
    rule_id text NOT NULL,
    revision bigint NOT NULL,
    action text NOT NULL,
    actor text NOT NULL,
    time timestamptz NOT NULL DEFAULT now(),
    rule jsonb NOT NULL,
    PRIMARY KEY (project, rule_id, revision)
);

-- One row per (rule, event): the idempotency that keeps a rule from firing twice.
CREATE TABLE rule_runs (
    id bigserial PRIMARY KEY,
    project text NOT NULL,
    rule_id text NOT NULL,
    event_id text NOT NULL,
    event_type text NOT NULL,
    task text NOT NULL DEFAULT '',
    -- The event as received, so conditions see the task as the event left it.
    payload bytea NOT NULL,
    revision bigint NOT NULL DEFAULT 0,
    state text NOT NULL DEFAULT 'pending',
    attempt_count integer NOT NULL DEFAULT 0,
    next_attempt_time timestamptz NOT NULL DEFAULT now(),
    results text[] NOT NULL DEFAULT '{}',
    error text NOT NULL DEFAULT '',
    create_time timestamptz NOT NULL DEFAULT now(),
    finish_time timestamptz,
    UNIQUE (project, rule_id, event_id)
);
CREATE INDEX rule_runs_due ON rule_runs (next_attempt_time) WHERE state = 'pending';
CREATE INDEX rule_runs_rule ON rule_runs (project, rule_id, id DESC);

-- Automation's own events leave through an outbox, like core's and risk's.
CREATE TABLE outbox (
    id                 bigserial PRIMARY KEY,
    event_id           uuid NOT NULL UNIQUE,
    subject            text NOT NULL,
    aggregate          text NOT NULL,
    aggregate_version  bigint NOT NULL DEFAULT 0,
    payload            bytea NOT NULL,
    create_time        timestamptz NOT NULL DEFAULT now(),
    sent_time          timestamptz
);
CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_time IS NULL;

CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('planops_automation_outbox', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

-- Wakes the delivery worker and the rule runner as soon as work is queued.
CREATE FUNCTION work_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('planops_automation_work', TG_TABLE_NAME);
    RETURN NULL;
END
$$;
CREATE TRIGGER deliveries_notify AFTER INSERT ON deliveries
    FOR EACH STATEMENT EXECUTE FUNCTION work_notify();
CREATE TRIGGER rule_runs_notify AFTER INSERT ON rule_runs
    FOR EACH STATEMENT EXECUTE FUNCTION work_notify();
