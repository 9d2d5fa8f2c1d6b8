-- +goose Up
CREATE TABLE webhook_endpoints (
    seq            bigserial NOT NULL UNIQUE,
    id             text PRIMARY KEY,
    merchant_id    text NOT NULL REFERENCES merchants (id),
    livemode       boolean NOT NULL,
    url            text NOT NULL,
    description    text NOT NULL DEFAULT '',
    enabled_events text[] NOT NULL,
    disabled       boolean NOT NULL DEFAULT false,
    secret         text NOT NULL,   -- needed to sign every delivery, so kept (not hashed)
    metadata       jsonb NOT NULL DEFAULT '{}',
    created_at     timestamptz NOT NULL,
    deleted_at     timestamptz
);
CREATE INDEX webhook_endpoints_merchant ON webhook_endpoints (merchant_id, livemode, seq DESC) WHERE deleted_at IS NULL;
