-- +goose Up
-- Dust transfers are kept on record, marked, so they never lock an asset or signal anyone.
ALTER TABLE payments ADD COLUMN dust boolean NOT NULL DEFAULT false;

-- The scanned block's time (and parent) tell "has this chain been scanned past time T";
-- rows written before this migration have none.
ALTER TABLE chain_cursors
    ADD COLUMN block_time  timestamptz,
    ADD COLUMN parent_hash text;

-- A scan step loads the chain's payments it may change: detected ones, and unreverted ones
-- above a fork point.
CREATE INDEX payments_chain_status ON payments (chain_id, status, block_number);
