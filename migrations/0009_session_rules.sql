-- +goose Up
-- Quotes of volatile assets lapse (re-quoted when nothing was paid); a reinstated payment is
-- noticed through the count of live payments; a session whose workflow has not been started
-- yet (the start follows the commit) is found by workflow_started.
ALTER TABLE checkout_sessions
    ADD COLUMN quote_expires_at timestamptz,
    ADD COLUMN payments_live    integer NOT NULL DEFAULT 0,
    ADD COLUMN workflow_started boolean NOT NULL DEFAULT true;
UPDATE checkout_sessions s SET payments_live =
    (SELECT count(*) FROM payments p WHERE p.session_id = s.id AND p.reverted_at IS NULL);
CREATE INDEX checkout_sessions_unstarted ON checkout_sessions (created_at) WHERE NOT workflow_started;

-- Test sessions derive on a branch of their own, so indexes are allocated per (xpub, branch).
ALTER TABLE hd_accounts ADD COLUMN branch bigint NOT NULL DEFAULT 0;
ALTER TABLE hd_accounts DROP CONSTRAINT hd_accounts_pkey, ADD PRIMARY KEY (xpub, branch);
ALTER TABLE deposit_addresses ADD COLUMN branch bigint NOT NULL DEFAULT 0;
ALTER TABLE deposit_addresses DROP CONSTRAINT deposit_addresses_xpub_address_index_key,
    ADD CONSTRAINT deposit_addresses_xpub_branch_index_key UNIQUE (xpub, branch, address_index);
