-- Schedule proposals and their items. Only this service reads these tables; projects, people
-- and tasks live in core and are referred to by resource name.

CREATE TABLE proposals (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id       text NOT NULL,
    -- The caller's request id; a retry with the same id in the project returns this row.
    request_id       text,
    requester        text NOT NULL,
    -- OPEN, PARTIALLY_ACCEPTED, ACCEPTED, REJECTED, WHAT_IF or INFEASIBLE.
    state            text NOT NULL,
    what_if          boolean NOT NULL,
    duration_source  text NOT NULL,
    finish_date      date,
    deadline         date,
    critical_path    text[] NOT NULL DEFAULT '{}',
    notes            text[] NOT NULL DEFAULT '{}',
    -- The solve summary, per-person day loads and diagnoses, in the proto's JSON mapping.
    solve            jsonb NOT NULL,
    loads            jsonb NOT NULL DEFAULT '[]',
    diagnoses        jsonb NOT NULL DEFAULT '[]',
    decided_by       text,
    decide_time      timestamptz,
    create_time      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (project_id, request_id)
);

CREATE INDEX proposals_project ON proposals (project_id, id DESC);

CREATE TABLE proposal_items (
    proposal_id  bigint NOT NULL REFERENCES proposals ON DELETE CASCADE,
    position     int NOT NULL,
    task         text NOT NULL,
    -- PENDING, ACCEPTED, STALE, REJECTED or UNCHANGED.
    state        text NOT NULL,
    -- Everything else of the item (dates, assignee, reasons, slack, etag), as proto JSON.
    plan         jsonb NOT NULL,
    decide_time  timestamptz,
    PRIMARY KEY (proposal_id, position),
    UNIQUE (proposal_id, task)
);
