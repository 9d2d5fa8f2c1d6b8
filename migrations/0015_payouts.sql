-- +goose Up
-- A payout is one sweep: the funds of many forwarders paid to one destination in one
-- transaction. amount and currency are the fiat total of its lines (currency NULL when they
-- mix currencies); amounts is what the sweep moved per asset, [{"asset", "amount"}] in base units.
CREATE TABLE payouts (
    seq          bigserial NOT NULL UNIQUE,  -- list order: newest first
    id           text PRIMARY KEY,
    merchant_id  text NOT NULL REFERENCES merchants (id),
    livemode     boolean NOT NULL,
    chain_id     bigint NOT NULL,
    destination  text NOT NULL,
    status       text NOT NULL CHECK (status IN ('pending', 'in_transit', 'paid', 'failed')),
    forwarders   integer NOT NULL,
    amount       bigint NOT NULL DEFAULT 0,
    currency     text,
    amounts      jsonb NOT NULL DEFAULT '[]',
    tx_hash      text,
    network_fee  numeric(78, 0),
    failure_code text,
    created_at   timestamptz NOT NULL,
    arrival_date timestamptz
);
CREATE INDEX payouts_merchant_seq ON payouts (merchant_id, livemode, seq DESC);

-- A balance transaction is one line of the reconciliation: a confirmed payment into a
-- forwarder (one line per payment), or an adjustment a sweep found at a forwarder. A line no
-- payout holds waits for the next sweep.
CREATE TABLE balance_transactions (
    seq          bigserial NOT NULL UNIQUE,  -- list order: newest first
    id           text PRIMARY KEY,
    merchant_id  text NOT NULL REFERENCES merchants (id),
    livemode     boolean NOT NULL,
    type         text NOT NULL CHECK (type IN ('payment', 'adjustment')),
    session_id   text REFERENCES checkout_sessions (id),
    payment_id   text UNIQUE REFERENCES payments (id),  -- NULL for an adjustment
    chain_id     bigint NOT NULL,
    asset_id     text NOT NULL,
    address      text NOT NULL,                          -- the forwarder
    amount       numeric(78, 0) NOT NULL,                -- base units; negative for a shortfall
    currency     text NOT NULL,
    fiat_amount  bigint NOT NULL,                        -- minor units of currency at the session's locked rate
    network_fee  numeric(78, 0) NOT NULL DEFAULT 0,      -- its share of the sweep's gas, native base units
    payout_id    text REFERENCES payouts (id),
    status       text NOT NULL CHECK (status IN ('pending', 'available')),
    created_at   timestamptz NOT NULL,
    available_on timestamptz
);
CREATE INDEX balance_transactions_merchant_seq ON balance_transactions (merchant_id, livemode, seq DESC);
CREATE INDEX balance_transactions_payout ON balance_transactions (payout_id, seq DESC) WHERE payout_id IS NOT NULL;
-- The lines of a settlement (merchant, mode, chain) waiting for a sweep.
CREATE INDEX balance_transactions_unswept ON balance_transactions (merchant_id, livemode, chain_id) WHERE payout_id IS NULL;

-- Lines as the API lists them: each with its session's reconciliation fields, so the shared
-- list helpers (scoped by merchant and mode, paged by seq) apply.
CREATE VIEW balance_transaction_lines AS
SELECT b.seq, b.id, b.merchant_id, b.livemode, b.type, b.session_id, b.payment_id, b.chain_id, b.asset_id, b.address,
    b.amount, b.currency, b.fiat_amount, b.network_fee, b.payout_id, b.status, b.created_at, b.available_on,
    s.client_reference_id, COALESCE(s.metadata, '{}') AS metadata
FROM balance_transactions b LEFT JOIN checkout_sessions s ON s.id = b.session_id;
