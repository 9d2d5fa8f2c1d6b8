-- +goose Up
-- Payment links: a permanent public URL that makes a session of library prices per visit.
CREATE TABLE payment_links (
    seq                   bigserial NOT NULL UNIQUE,  -- list order: newest first
    id                    text PRIMARY KEY,
    merchant_id           text NOT NULL REFERENCES merchants (id),
    livemode              boolean NOT NULL,
    active                boolean NOT NULL,
    line_items            jsonb NOT NULL,             -- [{id, price, quantity, adjustable_quantity}]
    price_ids             text[] NOT NULL,            -- the prices it sells, for "is this product in use"
    currency              text NOT NULL,
    metadata              jsonb NOT NULL DEFAULT '{}',
    after_completion      text NOT NULL,
    redirect_url          text,
    confirmation_message  text,
    completed_limit       bigint,
    completed_sessions    bigint NOT NULL DEFAULT 0,  -- raised by each completion of one of its sessions
    accepted_assets       text[],
    expires_after_seconds bigint,
    created_at            timestamptz NOT NULL
);
CREATE INDEX payment_links_merchant_seq ON payment_links (merchant_id, livemode, seq DESC);
CREATE INDEX payment_links_price_ids ON payment_links USING gin (price_ids);
