-- +goose Up
-- Subscriptions (Stripe's sub_) and their invoices (in_), run by one workflow per
-- subscription. A subscription-mode session keeps subscription_data until its payment creates
-- the subscription; a renewal's session names the invoice it collects.
ALTER TABLE checkout_sessions
    ADD COLUMN subscription_data jsonb,
    ADD COLUMN subscription_id   text,
    ADD COLUMN invoice_id        text;

ALTER TABLE checkout_line_items
    ADD COLUMN recurring_interval       text CHECK (recurring_interval IN ('day', 'week', 'month', 'year')),
    ADD COLUMN recurring_interval_count bigint;

CREATE TABLE subscriptions (
    seq                  bigserial UNIQUE,
    id                   text PRIMARY KEY,
    merchant_id          text NOT NULL REFERENCES merchants (id),
    livemode             boolean NOT NULL,
    status               text NOT NULL,
    currency             text NOT NULL,
    items                jsonb NOT NULL,
    interval             text NOT NULL,
    interval_count       bigint NOT NULL CHECK (interval_count > 0),
    anchor               timestamptz NOT NULL,
    anchor_period        integer NOT NULL,
    period               integer NOT NULL,
    current_period_start timestamptz NOT NULL,
    current_period_end   timestamptz NOT NULL,
    cancel_at_period_end boolean NOT NULL,
    canceled_at          timestamptz,
    ended_at             timestamptz,
    collection_method    text NOT NULL,
    days_until_due       integer NOT NULL,
    latest_invoice       text NOT NULL,
    session_id           text NOT NULL UNIQUE REFERENCES checkout_sessions (id),
    accepted_assets      text[] NOT NULL,
    description          text NOT NULL,
    metadata             jsonb NOT NULL,
    clock_offset_ms      bigint NOT NULL DEFAULT 0,
    created_at           timestamptz NOT NULL
);
CREATE INDEX subscriptions_merchant_seq ON subscriptions (merchant_id, livemode, seq DESC);

CREATE TABLE invoices (
    seq             bigserial UNIQUE,
    id              text PRIMARY KEY,
    merchant_id     text NOT NULL REFERENCES merchants (id),
    livemode        boolean NOT NULL,
    subscription_id text NOT NULL REFERENCES subscriptions (id),
    period          integer NOT NULL,
    status          text NOT NULL,
    billing_reason  text NOT NULL,
    currency        text NOT NULL,
    amount_due      bigint NOT NULL,
    amount_paid     bigint NOT NULL,
    period_start    timestamptz NOT NULL,
    period_end      timestamptz NOT NULL,
    due_date        timestamptz NOT NULL,
    attempts        integer NOT NULL,
    session_id      text,
    sessions        integer NOT NULL,
    paid_at         timestamptz,
    created_at      timestamptz NOT NULL,
    UNIQUE (subscription_id, period)
);
CREATE INDEX invoices_merchant_seq ON invoices (merchant_id, livemode, seq DESC);

-- +goose Down
DROP TABLE invoices;
DROP TABLE subscriptions;
ALTER TABLE checkout_line_items DROP COLUMN recurring_interval, DROP COLUMN recurring_interval_count;
ALTER TABLE checkout_sessions DROP COLUMN subscription_data, DROP COLUMN subscription_id, DROP COLUMN invoice_id;
