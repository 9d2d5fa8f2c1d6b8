-- +goose Up
-- The negative balance transaction a refund's success wrote, so the refund names it (Stripe's
-- balance_transaction). A migration of its own: 0023 may already be applied where it ran.
ALTER TABLE refunds ADD COLUMN balance_transaction text;

-- +goose Down
ALTER TABLE refunds DROP COLUMN balance_transaction;
