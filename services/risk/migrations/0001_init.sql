-- What risk keeps from core's events: only what its features need. Never core's tables.

CREATE TABLE projects (
    project text PRIMARY KEY,
    version bigint NOT NULL,
    title text NOT NULL DEFAULT '',
    start_date date,
    deadline date,
    -- workflow state id -> category (planned, active, blocked, done, cancelled)
    categories jsonb NOT NULL DEFAULT '{}',
    deleted boolean NOT NULL DEFAULT false
);

CREATE TABLE tasks (
    task text PRIMARY KEY,
    project text NOT NULL,
    version bigint NOT NULL,
    title text NOT NULL DEFAULT '',
    state text NOT NULL DEFAULT '',
    category text NOT NULL DEFAULT 'planned',
    priority text NOT NULL DEFAULT 'medium',
    assignee text NOT NULL DEFAULT '',
    labels text[] NOT NULL DEFAULT '{}',
    estimate_hours double precision NOT NULL DEFAULT 0,
    optimistic_hours double precision NOT NULL DEFAULT 0,
    pessimistic_hours double precision NOT NULL DEFAULT 0,
    planned_start date,
    planned_end date,
    due_date date,
    opened_on date NOT NULL,
    started_on date,
    finished_on date,
    state_since timestamptz,
    days_in_state jsonb NOT NULL DEFAULT '{}',
    reopen_count integer NOT NULL DEFAULT 0,
    estimate_changes integer NOT NULL DEFAULT 0,
    imported boolean NOT NULL DEFAULT false,
    deleted boolean NOT NULL DEFAULT false
);
CREATE INDEX tasks_project ON tasks (project) WHERE NOT deleted;
CREATE INDEX tasks_assignee ON tasks (assignee) WHERE NOT deleted;

CREATE TABLE dependencies (
    dependency text PRIMARY KEY,
    project text NOT NULL,
    version bigint NOT NULL,
    predecessor text NOT NULL,
    successor text NOT NULL,
    kind integer NOT NULL DEFAULT 1,
    lag_days integer NOT NULL DEFAULT 0,
    deleted boolean NOT NULL DEFAULT false
);
CREATE INDEX dependencies_predecessor ON dependencies (predecessor) WHERE NOT deleted;
CREATE INDEX dependencies_successor ON dependencies (successor) WHERE NOT deleted;

-- Written in the transaction that applies the event, so a redelivery has no effect.
CREATE TABLE processed_events (
    event_id text PRIMARY KEY,
    event_type text NOT NULL,
    processed_time timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE scores (
    task text PRIMARY KEY,
    project text NOT NULL,
    probability_late double precision NOT NULL,
    risk bytea NOT NULL,
    score_time timestamptz NOT NULL DEFAULT now()
);

-- (rule, subject) pairs that fired and have not re-armed: the hysteresis state.
CREATE TABLE alert_fired (
    rule text NOT NULL,
    subject text NOT NULL,
    PRIMARY KEY (rule, subject)
);

CREATE TABLE alerts (
    id bigserial PRIMARY KEY,
    event_id text NOT NULL UNIQUE,
    project text NOT NULL,
    subject text NOT NULL,
    kind text NOT NULL,
    value double precision NOT NULL,
    threshold double precision NOT NULL,
    message text NOT NULL,
    raise_time timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alerts_project ON alerts (project, id DESC);

CREATE TABLE models (
    version text PRIMARY KEY,
    train_time timestamptz NOT NULL DEFAULT now(),
    record jsonb NOT NULL,
    blob bytea NOT NULL,
    active boolean NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX models_one_active ON models (active) WHERE active;
