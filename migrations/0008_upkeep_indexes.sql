-- +goose Up
-- The scanner's confirmation step reads only payments still confirming; confirmed ones are
-- the bulk of the table and need not sit in the index.
DROP INDEX IF EXISTS payments_open;
CREATE INDEX payments_open ON payments (chain_id, block_number) WHERE status = 'detected';

-- The retention prune finds events past the window by creation time.
CREATE INDEX events_created ON events (created_at);
