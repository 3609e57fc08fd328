-- Risk's own events (task_risk.changed, alert.raised) leave through an outbox written in the
-- transaction that stores the score or the alert, so a NATS outage loses none of them.
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
    PERFORM pg_notify('planops_risk_outbox', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
