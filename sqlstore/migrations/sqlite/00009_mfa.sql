-- Two-factor authentication: a user's authenticators (allauth's
-- Authenticator: a type and its data, a JSON document kept byte for byte so
-- that a compare-and-set on it is exact) and the TOTP time steps already
-- used, kept until they can no longer match (a replayed code is refused on
-- every instance). A user has at most one TOTP and one set of recovery
-- codes; the partial index leaves room for several WebAuthn keys. A deleted
-- user takes both along. An authenticator added, deleted or with new data
-- moves the auth generation (the login's two-factor stage and trusted
-- browsers depend on them); a use that only sets last_used_at does not.

-- +goose Up
CREATE TABLE gh_mfa_authenticators (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES gh_users (id) ON DELETE CASCADE,
    type         TEXT NOT NULL,
    data         BLOB NOT NULL,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER
) STRICT;
CREATE INDEX gh_mfa_authenticators_user_idx ON gh_mfa_authenticators (user_id);
CREATE UNIQUE INDEX gh_mfa_authenticators_type_uniq ON gh_mfa_authenticators (user_id, type)
    WHERE type IN ('totp', 'recovery_codes');

CREATE TABLE gh_mfa_used_steps (
    user_id    INTEGER NOT NULL REFERENCES gh_users (id) ON DELETE CASCADE,
    step       INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, step)
) STRICT;
CREATE INDEX gh_mfa_used_steps_expires_idx ON gh_mfa_used_steps (expires_at);

-- +goose StatementBegin
CREATE TRIGGER gh_gen_mfa_authenticators_insert AFTER INSERT ON gh_mfa_authenticators
BEGIN UPDATE gh_auth_generation SET v = v + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER gh_gen_mfa_authenticators_update AFTER UPDATE ON gh_mfa_authenticators
WHEN OLD.user_id IS NOT NEW.user_id OR OLD.type IS NOT NEW.type OR OLD.data IS NOT NEW.data
BEGIN UPDATE gh_auth_generation SET v = v + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER gh_gen_mfa_authenticators_delete AFTER DELETE ON gh_mfa_authenticators
BEGIN UPDATE gh_auth_generation SET v = v + 1 WHERE id = 1; END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER gh_gen_mfa_authenticators_insert;
DROP TRIGGER gh_gen_mfa_authenticators_update;
DROP TRIGGER gh_gen_mfa_authenticators_delete;
DROP TABLE gh_mfa_used_steps;
DROP TABLE gh_mfa_authenticators;
