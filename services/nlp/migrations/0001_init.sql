-- Meeting notes and the action items read from them. Only this service reads these tables;
-- projects, people and tasks live in core and are referred to by resource name.

CREATE TABLE notes (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id     text NOT NULL,
    -- The caller's request id; a retry with the same id in the project returns this row.
    request_id     text,
    creator        text NOT NULL,
    meeting_date   date NOT NULL,
    language       text NOT NULL,
    text           text NOT NULL,
    pipeline       text NOT NULL,
    warnings       text[] NOT NULL DEFAULT '{}',
    -- Decisions, questions and status updates: [{"kind", "text", "start", "end", "task"}].
    statements     jsonb NOT NULL DEFAULT '[]',
    create_time    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (project_id, request_id)
);

CREATE INDEX notes_project ON notes (project_id, id);

CREATE TABLE action_items (
    notes_id             bigint NOT NULL REFERENCES notes ON DELETE CASCADE,
    id                   text NOT NULL,
    position             int NOT NULL,
    description          text NOT NULL,
    owner                text NOT NULL DEFAULT '',
    owner_candidates     text[] NOT NULL DEFAULT '{}',
    owner_ambiguous      boolean NOT NULL DEFAULT false,
    due_date             date,
    due_text             text NOT NULL DEFAULT '',
    priority             text NOT NULL DEFAULT '',
    hints                text[] NOT NULL DEFAULT '{}',
    confidence_item      double precision NOT NULL,
    confidence_owner     double precision NOT NULL,
    confidence_due       double precision NOT NULL,
    confidence_priority  double precision NOT NULL,
    span_start           int NOT NULL,
    span_end             int NOT NULL,
    duplicate_of         text NOT NULL DEFAULT '',
    -- Set once, when the item is accepted: the core task it became, who accepted it, when.
    task                 text,
    accepted_by          text,
    accept_time          timestamptz,
    PRIMARY KEY (notes_id, id)
);
