-- +goose Up
-- A merchant's settlement settings. A merchant without a row uses forwarder deposit
-- addresses (the default, decided in core/settlement); merchants that existed before
-- forwarders keep the xpub addresses they had.
CREATE TABLE merchant_settlement (
    merchant_id       text PRIMARY KEY REFERENCES merchants (id),
    deposit_addresses text NOT NULL CHECK (deposit_addresses IN ('forwarder', 'xpub')),
    updated_at        timestamptz NOT NULL
);
INSERT INTO merchant_settlement (merchant_id, deposit_addresses, updated_at)
    SELECT id, 'xpub', now() FROM merchants;

-- Where swept funds go, per merchant and chain; chain_id 0 is the default for every chain.
CREATE TABLE payout_addresses (
    merchant_id text NOT NULL REFERENCES merchants (id),
    chain_id    bigint NOT NULL,
    address     text NOT NULL,
    PRIMARY KEY (merchant_id, chain_id)
);

-- A forwarder address has no xpub index: it is bound to a chain's factory, a destination and
-- a nonce instead. The session keeps the destination its address is bound to, whatever the
-- merchant's payout address becomes later.
ALTER TABLE deposit_addresses
    ALTER COLUMN xpub DROP NOT NULL,
    ALTER COLUMN address_index DROP NOT NULL,
    ADD COLUMN chain_id    bigint,
    ADD COLUMN factory     text,
    ADD COLUMN destination text,
    ADD COLUMN nonce       text;
ALTER TABLE checkout_sessions
    ADD COLUMN settlement_destination text,
    ADD COLUMN settlement_chain_id    bigint;
