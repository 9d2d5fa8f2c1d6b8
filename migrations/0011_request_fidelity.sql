-- +goose Up
-- The API request that caused an event (Stripe's event.request): null for events the chain or
-- a timer caused.
ALTER TABLE events ADD COLUMN request_id text, ADD COLUMN request_idempotency_key text;
