-- +goose Up
-- A merchant's resolution policy, per mode, beside its settlement settings: the tolerance a new
-- session gets when its request names none, and what happens to late payments (NULL: the
-- default, left to the merchant).
ALTER TABLE merchant_settlement
    ADD COLUMN underpayment_tolerance_percent numeric NOT NULL DEFAULT 0,
    ADD COLUMN late_payments text;

-- +goose Down
ALTER TABLE merchant_settlement
    DROP COLUMN late_payments,
    DROP COLUMN underpayment_tolerance_percent;
