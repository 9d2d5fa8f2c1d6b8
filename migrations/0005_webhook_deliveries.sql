-- +goose Up
-- The outbox: a delivery row per (event, subscribed endpoint), written with the event itself;
-- the dispatcher starts a delivery workflow for each row not yet started.
CREATE TABLE webhook_deliveries (
    seq         bigserial NOT NULL UNIQUE,
    id          text PRIMARY KEY,
    event_id    text NOT NULL REFERENCES events (id),
    endpoint_id text NOT NULL REFERENCES webhook_endpoints (id),
    redelivery  boolean NOT NULL DEFAULT false,
    status      text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
    started     boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL,
    finished_at timestamptz
);
CREATE INDEX webhook_deliveries_unstarted ON webhook_deliveries (seq) WHERE NOT started;
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id, seq);

CREATE TABLE webhook_attempts (
    delivery_id      text NOT NULL REFERENCES webhook_deliveries (id),
    attempt          integer NOT NULL,
    attempted_at     timestamptz NOT NULL,
    status_code      integer,
    latency_ms       integer NOT NULL,
    error            text,
    response_excerpt text,
    PRIMARY KEY (delivery_id, attempt)
);
