-- +goose Up
-- Events are written in the same transaction as the change they record.
CREATE TABLE events (
    seq                 bigserial NOT NULL UNIQUE,
    id                  text PRIMARY KEY,
    merchant_id         text NOT NULL REFERENCES merchants (id),
    livemode            boolean NOT NULL,
    type                text NOT NULL,
    session_id          text,
    api_version         text NOT NULL,
    created_at          timestamptz NOT NULL,
    object              jsonb NOT NULL,
    previous_attributes jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX events_merchant_seq ON events (merchant_id, livemode, seq DESC);
CREATE INDEX events_session ON events (session_id, seq DESC);

-- How many payments a session has seen (monotonic): payment_detected is emitted when it grows.
ALTER TABLE checkout_sessions ADD COLUMN payments_seen integer NOT NULL DEFAULT 0;
