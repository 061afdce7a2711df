-- Social login: a user's links to provider accounts (allauth's
-- SocialAccount: identity is (provider, uid), never the email) and the
-- provider apps stored in the database (allauth's SocialApp; the secret is
-- sealed by the caller). A deleted user takes their links along; a link
-- moves the auth generation like any change a signed-in page could show.

-- +goose Up
CREATE TABLE gh_social_accounts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES gh_users (id) ON DELETE CASCADE,
    provider    TEXT NOT NULL,
    uid         TEXT NOT NULL,
    extra_data  BLOB NOT NULL,
    token       BLOB,
    date_joined INTEGER NOT NULL,
    last_login  INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX gh_social_accounts_uid_uniq ON gh_social_accounts (provider, uid);
CREATE INDEX gh_social_accounts_user_idx ON gh_social_accounts (user_id);

CREATE TABLE gh_social_apps (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    provider   TEXT NOT NULL,
    app_id     TEXT NOT NULL,
    name       TEXT NOT NULL,
    client_id  TEXT NOT NULL,
    secret     TEXT NOT NULL,
    key        TEXT NOT NULL,
    server_url TEXT NOT NULL,
    scopes     TEXT NOT NULL, -- JSON array
    settings   TEXT NOT NULL  -- JSON object
) STRICT;
CREATE UNIQUE INDEX gh_social_apps_uniq ON gh_social_apps (provider, app_id);

-- +goose Down
DROP TABLE gh_social_apps;
DROP TABLE gh_social_accounts;
