-- +goose Up
-- Two-factor sign-in: a user's TOTP secret, sealed with the service's secrets keyring like
-- webhook signing secrets, and the time step of the last code used (a code works once).
ALTER TABLE dashboard_users ADD COLUMN totp_secret text NOT NULL DEFAULT '';
ALTER TABLE dashboard_users ADD COLUMN totp_step bigint NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE dashboard_users DROP COLUMN totp_step;
ALTER TABLE dashboard_users DROP COLUMN totp_secret;
