-- Gatehouse schema for SQLite. Timestamps are INTEGER unix microseconds, UTC;
-- booleans are INTEGER 0/1. Tables are STRICT so a wrongly typed value fails
-- instead of being stored as something else.

-- +goose Up
CREATE TABLE gh_users (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    username          TEXT    NOT NULL,
    username_key      TEXT    NOT NULL, -- user.CanonicalUsername(username)
    username_skeleton TEXT    NOT NULL, -- user.Skeleton(username)
    email             TEXT    NOT NULL DEFAULT '',
    email_key         TEXT    NOT NULL DEFAULT '', -- user.CanonicalEmail(email)
    first_name        TEXT    NOT NULL DEFAULT '',
    last_name         TEXT    NOT NULL DEFAULT '',
    password          TEXT    NOT NULL DEFAULT '',
    is_active         INTEGER NOT NULL DEFAULT 1,
    is_staff          INTEGER NOT NULL DEFAULT 0,
    is_superuser      INTEGER NOT NULL DEFAULT 0,
    date_joined       INTEGER NOT NULL,
    last_login        INTEGER
) STRICT;
CREATE UNIQUE INDEX gh_users_username_key_uniq ON gh_users (username_key);
CREATE INDEX gh_users_username_skeleton_idx ON gh_users (username_skeleton);
CREATE UNIQUE INDEX gh_users_email_key_uniq ON gh_users (email_key) WHERE email_key <> '';

CREATE TABLE gh_groups (
    id   INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX gh_groups_name_uniq ON gh_groups (name);

CREATE TABLE gh_permissions (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    app_label TEXT NOT NULL,
    codename  TEXT NOT NULL,
    name      TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE UNIQUE INDEX gh_permissions_code_uniq ON gh_permissions (app_label, codename);

CREATE TABLE gh_user_groups (
    user_id  INTEGER NOT NULL REFERENCES gh_users (id) ON DELETE CASCADE,
    group_id INTEGER NOT NULL REFERENCES gh_groups (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, group_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX gh_user_groups_group_idx ON gh_user_groups (group_id);

CREATE TABLE gh_user_permissions (
    user_id       INTEGER NOT NULL REFERENCES gh_users (id) ON DELETE CASCADE,
    permission_id INTEGER NOT NULL REFERENCES gh_permissions (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, permission_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX gh_user_permissions_permission_idx ON gh_user_permissions (permission_id);

CREATE TABLE gh_group_permissions (
    group_id      INTEGER NOT NULL REFERENCES gh_groups (id) ON DELETE CASCADE,
    permission_id INTEGER NOT NULL REFERENCES gh_permissions (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, permission_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX gh_group_permissions_permission_idx ON gh_group_permissions (permission_id);

CREATE TABLE gh_email_addresses (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES gh_users (id) ON DELETE CASCADE,
    email      TEXT    NOT NULL,
    email_key  TEXT    NOT NULL, -- user.CanonicalEmail(email)
    verified   INTEGER NOT NULL DEFAULT 0,
    is_primary INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE UNIQUE INDEX gh_email_addresses_email_key_uniq ON gh_email_addresses (email_key);
CREATE INDEX gh_email_addresses_user_idx ON gh_email_addresses (user_id);
CREATE UNIQUE INDEX gh_email_addresses_primary_uniq ON gh_email_addresses (user_id) WHERE is_primary;

CREATE TABLE gh_sessions (
    id           TEXT    PRIMARY KEY, -- hex SHA-256 of the token
    user_id      INTEGER NOT NULL REFERENCES gh_users (id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    remember     INTEGER NOT NULL DEFAULT 0,
    ip           TEXT    NOT NULL DEFAULT '',
    user_agent   TEXT    NOT NULL DEFAULT '',
    auth_at      INTEGER
) STRICT, WITHOUT ROWID;
CREATE INDEX gh_sessions_user_idx ON gh_sessions (user_id, created_at);
CREATE INDEX gh_sessions_expires_idx ON gh_sessions (expires_at);
CREATE INDEX gh_sessions_last_seen_idx ON gh_sessions (last_seen_at);

CREATE TABLE gh_ratelimits (
    key        TEXT    PRIMARY KEY,
    count      INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX gh_ratelimits_expires_idx ON gh_ratelimits (expires_at);

-- +goose Down
DROP TABLE gh_ratelimits;
DROP TABLE gh_sessions;
DROP TABLE gh_email_addresses;
DROP TABLE gh_group_permissions;
DROP TABLE gh_user_permissions;
DROP TABLE gh_user_groups;
DROP TABLE gh_permissions;
DROP TABLE gh_groups;
DROP TABLE gh_users;
