-- +goose Up
-- Refunds of checkout sessions: the merchant's decision to give back (part of) what a session
-- received, paid from the merchant's own wallet and verified on chain. crypto_amount is in
-- base units of the session's asset; amount in minor units of its currency at the locked rate.
CREATE TABLE refunds (
    seq              bigserial NOT NULL UNIQUE,  -- list order: newest first
    id               text PRIMARY KEY,
    merchant_id      text NOT NULL REFERENCES merchants (id),
    livemode         boolean NOT NULL,
    session_id       text NOT NULL REFERENCES checkout_sessions (id),
    status           text NOT NULL CHECK (status IN ('requires_action', 'pending', 'succeeded', 'failed', 'canceled')),
    reason           text,
    amount           bigint NOT NULL,
    currency         text NOT NULL,
    asset_id         text NOT NULL,
    chain_id         bigint NOT NULL,
    decimals         integer NOT NULL,
    crypto_amount    numeric(78, 0) NOT NULL,
    rounded_up       boolean NOT NULL DEFAULT false,
    destination      text,                       -- NULL while the shopper's claim is awaited
    destination_by   text CHECK (destination_by IN ('merchant', 'customer')),
    claim_secret     text,                       -- the claim page's capability
    claim_expires_at timestamptz,
    tx_hash          text,                       -- the merchant's transfer, once marked sent
    tx_block         bigint,
    sent_at          timestamptz,
    last_tx_error    text,
    failure_reason   text,
    metadata         jsonb NOT NULL DEFAULT '{}',
    created_at       timestamptz NOT NULL,
    succeeded_at     timestamptz,
    canceled_at      timestamptz
);
CREATE INDEX refunds_merchant_seq ON refunds (merchant_id, livemode, seq DESC);
-- A session's refunds are read under its row lock each time one is created.
CREATE INDEX refunds_session ON refunds (session_id);
CREATE UNIQUE INDEX refunds_claim_secret ON refunds (claim_secret) WHERE claim_secret IS NOT NULL;
-- One transaction pays at most one refund; a refused transaction is cleared, so it blocks nothing.
CREATE UNIQUE INDEX refunds_transaction ON refunds (chain_id, tx_hash) WHERE tx_hash IS NOT NULL;

-- The merchant's decision on a session's outcome, and what its succeeded refunds gave back
-- (minor units of its currency; only a refund's success adds to it).
ALTER TABLE checkout_sessions
    ADD COLUMN resolution      text,
    ADD COLUMN amount_refunded bigint NOT NULL DEFAULT 0;

-- A succeeded refund is a negative balance transaction: paid from the merchant's own wallet,
-- it has no forwarder address, no payment and never a payout.
ALTER TABLE balance_transactions
    DROP CONSTRAINT balance_transactions_type_check,
    ADD CONSTRAINT balance_transactions_type_check CHECK (type IN ('payment', 'adjustment', 'refund')),
    ALTER COLUMN address DROP NOT NULL;

-- +goose Down
DELETE FROM balance_transactions WHERE type = 'refund';
ALTER TABLE balance_transactions
    ALTER COLUMN address SET NOT NULL,
    DROP CONSTRAINT balance_transactions_type_check,
    ADD CONSTRAINT balance_transactions_type_check CHECK (type IN ('payment', 'adjustment'));
ALTER TABLE checkout_sessions
    DROP COLUMN amount_refunded,
    DROP COLUMN resolution;
DROP TABLE refunds;
