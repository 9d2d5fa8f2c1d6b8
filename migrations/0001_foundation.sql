-- +goose Up
CREATE TABLE merchants (
    id          text PRIMARY KEY,
    name        text NOT NULL,
    xpub        text NOT NULL,
    created_at  timestamptz NOT NULL
);

CREATE TABLE api_keys (
    id          text PRIMARY KEY,
    merchant_id text NOT NULL REFERENCES merchants (id),
    livemode    boolean NOT NULL,
    key_hash    text NOT NULL UNIQUE,   -- hex SHA-256 of the secret; the secret itself is never stored
    hint        text NOT NULL,
    created_at  timestamptz NOT NULL,
    revoked_at  timestamptz
);

CREATE TABLE checkout_sessions (
    seq                 bigserial NOT NULL UNIQUE,  -- list order: newest first
    id                  text PRIMARY KEY,
    merchant_id         text NOT NULL REFERENCES merchants (id),
    livemode            boolean NOT NULL,
    mode                text NOT NULL CHECK (mode IN ('payment', 'subscription')),
    status              text NOT NULL CHECK (status IN ('open', 'complete', 'expired')),
    payment_status      text NOT NULL CHECK (payment_status IN ('unpaid', 'paid', 'no_payment_required')),
    currency            text NOT NULL,
    amount_subtotal     bigint NOT NULL CHECK (amount_subtotal > 0),
    amount_total        bigint NOT NULL CHECK (amount_total > 0),
    client_reference_id text,
    customer_email      text,
    success_url         text,
    cancel_url          text,
    payment_link        text,
    metadata            jsonb NOT NULL DEFAULT '{}',
    expires_at          timestamptz NOT NULL,
    created_at          timestamptz NOT NULL,
    expired_at          timestamptz
);
CREATE INDEX checkout_sessions_merchant_seq ON checkout_sessions (merchant_id, livemode, seq DESC);
CREATE INDEX checkout_sessions_client_ref ON checkout_sessions (merchant_id, livemode, client_reference_id)
    WHERE client_reference_id IS NOT NULL;

CREATE TABLE checkout_line_items (
    id                  text PRIMARY KEY,
    session_id          text NOT NULL REFERENCES checkout_sessions (id) ON DELETE CASCADE,
    position            integer NOT NULL,
    price_id            text NOT NULL,
    product_id          text NOT NULL,
    name                text NOT NULL,
    product_description text NOT NULL DEFAULT '',
    images              jsonb NOT NULL DEFAULT '[]',
    currency            text NOT NULL,
    unit_amount         bigint,
    unit_amount_decimal numeric NOT NULL,
    quantity            bigint NOT NULL CHECK (quantity > 0),
    amount_subtotal     bigint NOT NULL,
    amount_total        bigint NOT NULL,
    UNIQUE (session_id, position)
);

CREATE TABLE idempotency_keys (
    merchant_id   text NOT NULL,
    livemode      boolean NOT NULL,
    key           text NOT NULL,
    fingerprint   text NOT NULL,        -- method, path and canonical parameters
    status_code   integer,              -- NULL while the first request is executing
    response_body bytea,
    created_at    timestamptz NOT NULL,
    locked_at     timestamptz NOT NULL,
    PRIMARY KEY (merchant_id, livemode, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
