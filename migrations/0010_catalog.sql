-- +goose Up
-- The Product Library: products and their prices, scoped by merchant and mode like every object.
CREATE TABLE products (
    seq           bigserial NOT NULL UNIQUE,  -- list order: newest first
    id            text PRIMARY KEY,
    merchant_id   text NOT NULL REFERENCES merchants (id),
    livemode      boolean NOT NULL,
    name          text NOT NULL,
    description   text NOT NULL DEFAULT '',
    images        jsonb NOT NULL DEFAULT '[]',
    active        boolean NOT NULL,
    metadata      jsonb NOT NULL DEFAULT '{}',
    default_price text,                        -- one of its prices (checked by the core rule)
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);
CREATE INDEX products_merchant_seq ON products (merchant_id, livemode, seq DESC);

CREATE TABLE prices (
    seq                      bigserial NOT NULL UNIQUE,
    id                       text PRIMARY KEY,
    merchant_id              text NOT NULL REFERENCES merchants (id),
    livemode                 boolean NOT NULL,
    product_id               text NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    currency                 text NOT NULL,
    unit_amount              bigint,
    unit_amount_decimal      numeric NOT NULL,
    type                     text NOT NULL,
    recurring_interval       text,
    recurring_interval_count bigint,
    active                   boolean NOT NULL,
    lookup_key               text,
    metadata                 jsonb NOT NULL DEFAULT '{}',
    created_at               timestamptz NOT NULL
);
CREATE INDEX prices_merchant_seq ON prices (merchant_id, livemode, seq DESC);
CREATE INDEX prices_product ON prices (product_id);
-- A lookup key names one price per merchant and mode.
CREATE UNIQUE INDEX prices_lookup_key ON prices (merchant_id, livemode, lookup_key) WHERE lookup_key IS NOT NULL;

-- Session items keep a snapshot of what they sold; library_price tells a library price from an
-- ad-hoc one; an adjustable item may go to zero while another item remains.
ALTER TABLE checkout_line_items
    ADD COLUMN library_price       boolean NOT NULL DEFAULT false,
    ADD COLUMN adjustable_enabled  boolean NOT NULL DEFAULT false,
    ADD COLUMN adjustable_minimum  bigint NOT NULL DEFAULT 0,
    ADD COLUMN adjustable_maximum  bigint NOT NULL DEFAULT 0,
    DROP CONSTRAINT checkout_line_items_quantity_check,
    ADD CONSTRAINT checkout_line_items_quantity_check CHECK (quantity >= 0);
-- "Was this product ever sold?" (ad-hoc items have product IDs of their own, never a library one's).
CREATE INDEX checkout_line_items_product ON checkout_line_items (product_id);
-- Sessions list by payment link.
CREATE INDEX checkout_sessions_payment_link ON checkout_sessions (merchant_id, livemode, payment_link, seq DESC)
    WHERE payment_link IS NOT NULL;
