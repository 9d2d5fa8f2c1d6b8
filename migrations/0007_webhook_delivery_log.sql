-- +goose Up
-- The delivery log as the API pages it: each delivery with its event's merchant, mode and
-- type, so the shared list helpers (scoped by merchant and mode, paged by seq) apply to it.
CREATE VIEW webhook_delivery_log AS
SELECT d.seq, d.id, d.event_id, e.type, d.endpoint_id, e.merchant_id, e.livemode, d.redelivery, d.status, d.created_at
FROM webhook_deliveries d JOIN events e ON e.id = d.event_id;

-- Redeliveries of the last minute are counted before each new one (the rate limit).
CREATE INDEX webhook_deliveries_redelivered ON webhook_deliveries (created_at) WHERE redelivery;
