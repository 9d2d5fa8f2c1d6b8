-- +goose Up
-- A rolled key keeps working until its expiry (Stripe's roll); the keys of a merchant's mode
-- are locked together when one is rolled, and listed by the operator.
ALTER TABLE api_keys ADD COLUMN expires_at timestamptz;
CREATE INDEX api_keys_merchant_mode ON api_keys (merchant_id, livemode);

