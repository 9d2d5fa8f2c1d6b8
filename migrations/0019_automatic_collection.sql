-- +goose Up
-- Automatic collection of subscriptions (charge_automatically): the shopper's mandate on a
-- chain's SubscriptionCollector, as accepted when the subscription was created, and how each
-- renewal's collection went. Both are value objects of their aggregates, stored whole.
ALTER TABLE subscriptions ADD COLUMN mandate jsonb;
ALTER TABLE invoices ADD COLUMN auto_collection jsonb;

-- +goose Down
ALTER TABLE invoices DROP COLUMN auto_collection;
ALTER TABLE subscriptions DROP COLUMN mandate;
