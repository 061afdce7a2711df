-- Flows: the server-side state of an anonymous browser's unfinished
-- business (a login waiting on its stages, a password-reset key taken out
-- of its URL, a mailed code), named by the SHA-256 of an opaque cookie
-- token, single use, with an expiry (see package flow). And the user's
-- language, for the mail Gatehouse sends them.

-- +goose Up
CREATE TABLE gh_flows (
    id         TEXT PRIMARY KEY, -- hex SHA-256 of the token
    kind       TEXT NOT NULL,
    data       BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX gh_flows_expires_idx ON gh_flows (expires_at);
ALTER TABLE gh_users ADD COLUMN language TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE gh_users DROP COLUMN language;
DROP TABLE gh_flows;
