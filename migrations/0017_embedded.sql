-- +goose Up
-- Embedded checkout (Stripe's ui_mode=embedded): the page is mounted in an iframe on the
-- merchant's site with the session's client secret, and sends the shopper to return_url.
ALTER TABLE checkout_sessions
    ADD COLUMN ui_mode       text NOT NULL DEFAULT 'hosted' CHECK (ui_mode IN ('hosted', 'embedded')),
    ADD COLUMN return_url    text,
    ADD COLUMN client_secret text;

-- +goose Down
ALTER TABLE checkout_sessions DROP COLUMN ui_mode, DROP COLUMN return_url, DROP COLUMN client_secret;
