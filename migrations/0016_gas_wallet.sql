-- +goose Up
-- The transactions the gas wallets signed, kept before they are broadcast: one per chain,
-- business key (a payout) and attempt, so a retried send rebroadcasts these bytes instead
-- of signing and paying again. Replacements are later attempts with the same nonce.
CREATE TABLE gas_wallet_txs (
    chain_id    bigint NOT NULL,
    key         text NOT NULL,
    attempt     integer NOT NULL CHECK (attempt >= 0),
    nonce       bigint NOT NULL CHECK (nonce >= 0),
    hash        text NOT NULL,
    gas_fee_cap numeric(78, 0) NOT NULL,
    gas_tip_cap numeric(78, 0) NOT NULL,
    raw         bytea NOT NULL,
    sent_at     timestamptz NOT NULL,
    PRIMARY KEY (chain_id, key, attempt)
);
CREATE UNIQUE INDEX gas_wallet_txs_hash ON gas_wallet_txs (chain_id, hash);
