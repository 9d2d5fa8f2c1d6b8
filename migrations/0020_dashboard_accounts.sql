-- +goose Up
-- The merchant dashboard's users, their sign-in sessions and invitations. Sessions and
-- invitations are stored under the SHA-256 of their secret token, never the token.
CREATE TABLE dashboard_users (
    id            text PRIMARY KEY,
    merchant_id   text NOT NULL REFERENCES merchants (id),
    email         text NOT NULL UNIQUE,
    role          text NOT NULL,
    password_hash text NOT NULL,
    failed_logins integer NOT NULL DEFAULT 0,
    locked_until  timestamptz,
    epoch         integer NOT NULL DEFAULT 0,
    created_at    timestamptz NOT NULL
);
CREATE INDEX dashboard_users_merchant ON dashboard_users (merchant_id);

CREATE TABLE dashboard_sessions (
    id          text PRIMARY KEY,
    user_id     text NOT NULL REFERENCES dashboard_users (id) ON DELETE CASCADE,
    merchant_id text NOT NULL,
    csrf        text NOT NULL,
    livemode    boolean NOT NULL DEFAULT false,
    epoch       integer NOT NULL,
    created_at  timestamptz NOT NULL,
    last_seen   timestamptz NOT NULL
);
CREATE INDEX dashboard_sessions_user ON dashboard_sessions (user_id);

CREATE TABLE dashboard_invitations (
    id          text PRIMARY KEY,
    merchant_id text NOT NULL REFERENCES merchants (id),
    email       text NOT NULL,
    role        text NOT NULL,
    expires_at  timestamptz NOT NULL,
    accepted_at timestamptz
);

-- +goose Down
DROP TABLE dashboard_invitations;
DROP TABLE dashboard_sessions;
DROP TABLE dashboard_users;
