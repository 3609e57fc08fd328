-- A request id is remembered per caller, method and parent resource (a project's tasks, say),
-- with a fingerprint of the request: the same id in another project is a new request, and the
-- same id with another request is refused rather than answered with the first one's result.
ALTER TABLE idempotency
    ADD COLUMN scope text NOT NULL DEFAULT '',
    ADD COLUMN fingerprint bytea;
ALTER TABLE idempotency DROP CONSTRAINT idempotency_pkey;
ALTER TABLE idempotency ADD PRIMARY KEY (principal, method, scope, request_id);
