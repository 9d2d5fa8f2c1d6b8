-- +goose Up
-- Stretches of time in which the scanner's view of a chain was stale (its node down or stuck,
-- or the scanner away): sessions on the chain are given that time back before they expire.
CREATE TABLE chain_outages (
    chain_id   bigint      NOT NULL,
    started_at timestamptz NOT NULL,
    ended_at   timestamptz,
    PRIMARY KEY (chain_id, started_at),
    CHECK (ended_at IS NULL OR ended_at >= started_at)
);
-- One open outage per chain: a retried observation cannot open a second.
CREATE UNIQUE INDEX chain_outages_one_open ON chain_outages (chain_id) WHERE ended_at IS NULL;

-- The deadline of a session that outages pushed past expires_at (NULL: none did).
ALTER TABLE checkout_sessions ADD COLUMN deadline_extended_to timestamptz;

-- +goose Down
ALTER TABLE checkout_sessions DROP COLUMN deadline_extended_to;
DROP TABLE chain_outages;
