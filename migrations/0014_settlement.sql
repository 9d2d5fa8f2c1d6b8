-- +goose Up
-- A merchant's settlement settings, one set per mode like every other object, so a test key
-- can never touch where live funds go. A merchant without a row uses forwarder deposit
-- addresses (the default, decided in core/settlement); merchants that existed before
-- forwarders keep the xpub addresses they had, in both modes.
CREATE TABLE merchant_settlement (
    merchant_id       text NOT NULL REFERENCES merchants (id),
    livemode          boolean NOT NULL,
    deposit_addresses text NOT NULL CHECK (deposit_addresses IN ('forwarder', 'xpub')),
    updated_at        timestamptz NOT NULL,
    PRIMARY KEY (merchant_id, livemode)
);
INSERT INTO merchant_settlement (merchant_id, livemode, deposit_addresses, updated_at)
    SELECT m.id, mode.livemode, 'xpub', now() FROM merchants m CROSS JOIN (VALUES (false), (true)) AS mode (livemode);

-- Where swept funds go, per merchant, mode and chain; chain_id 0 is the default for every
-- chain of that mode.
CREATE TABLE payout_addresses (
    merchant_id text NOT NULL REFERENCES merchants (id),
    livemode    boolean NOT NULL,
    chain_id    bigint NOT NULL,
    address     text NOT NULL,
    PRIMARY KEY (merchant_id, livemode, chain_id)
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
