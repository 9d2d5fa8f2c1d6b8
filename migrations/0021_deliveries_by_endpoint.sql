-- +goose Up
-- The dashboard pages one endpoint's deliveries, newest first: without this index that list
-- scans every delivery of the merchant.
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, seq);

-- +goose Down
DROP INDEX webhook_deliveries_endpoint;
