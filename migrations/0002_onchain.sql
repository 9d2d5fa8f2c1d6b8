-- +goose Up
-- Address indexes are allocated per xpub, not per merchant, so two merchants that share an
-- xpub still never share an address.
CREATE TABLE hd_accounts (
    xpub       text PRIMARY KEY,
    next_index bigint NOT NULL DEFAULT 0 CHECK (next_index >= 0 AND next_index < 2147483648)
);

ALTER TABLE checkout_sessions
    ADD COLUMN accepted_assets           text[] NOT NULL DEFAULT '{}',
    ADD COLUMN preselect_asset           text,
    ADD COLUMN payment_tolerance_percent numeric NOT NULL DEFAULT 0,
    ADD COLUMN asset_id                  text,
    ADD COLUMN chain_id                  bigint,
    ADD COLUMN asset_decimals            integer,
    ADD COLUMN deposit_address           text,
    ADD COLUMN rate                      numeric,
    ADD COLUMN amount_due                numeric(78, 0),
    ADD COLUMN quoted_at                 timestamptz,
    ADD COLUMN crypto_state              text NOT NULL DEFAULT 'awaiting_asset',
    ADD COLUMN amount_received           numeric(78, 0) NOT NULL DEFAULT 0,
    ADD COLUMN completed_at              timestamptz;

-- One address per session, lower-case hex; watched by every chain's scanner until watch_until.
CREATE TABLE deposit_addresses (
    address       text PRIMARY KEY,
    session_id    text NOT NULL UNIQUE REFERENCES checkout_sessions (id),
    xpub          text NOT NULL,
    address_index bigint NOT NULL,
    watch_until   timestamptz NOT NULL,
    created_at    timestamptz NOT NULL,
    UNIQUE (xpub, address_index)
);
CREATE INDEX deposit_addresses_watch ON deposit_addresses (watch_until);

-- A payment is counted once under (chain, tx hash, log index); native transfers use log index -1.
CREATE TABLE payments (
    id            text PRIMARY KEY,
    chain_id      bigint NOT NULL,
    tx_hash       text NOT NULL,
    log_index     bigint NOT NULL,
    session_id    text NOT NULL REFERENCES checkout_sessions (id),
    asset_id      text NOT NULL,
    from_address  text NOT NULL,
    to_address    text NOT NULL,
    amount        numeric(78, 0) NOT NULL CHECK (amount > 0),
    block_number  bigint NOT NULL,
    block_hash    text NOT NULL,
    block_time    timestamptz NOT NULL,
    status        text NOT NULL CHECK (status IN ('detected', 'confirmed', 'reverted')),
    was_confirmed boolean NOT NULL DEFAULT false,
    detected_at   timestamptz NOT NULL,
    confirmed_at  timestamptz,
    reverted_at   timestamptz,
    UNIQUE (chain_id, tx_hash, log_index)
);
CREATE INDEX payments_session ON payments (session_id);
CREATE INDEX payments_open ON payments (chain_id, block_number) WHERE status <> 'reverted';

-- The scanner's position per chain, and recent canonical block hashes to find fork points.
CREATE TABLE chain_cursors (
    chain_id     bigint PRIMARY KEY,
    block_number bigint NOT NULL,
    block_hash   text NOT NULL,
    updated_at   timestamptz NOT NULL
);
CREATE TABLE chain_blocks (
    chain_id    bigint NOT NULL,
    number      bigint NOT NULL,
    hash        text NOT NULL,
    parent_hash text NOT NULL,
    PRIMARY KEY (chain_id, number)
);
