-- Security keys and passkeys (WebAuthn): each is an authenticator of type
-- 'webauthn' whose credential id is kept in a column of its own, unique
-- over every user: a credential belongs to one user, and a passkey login,
-- which names only its credential, finds its owner through the index.

-- +goose Up
ALTER TABLE gh_mfa_authenticators ADD COLUMN credential_id BLOB;
CREATE UNIQUE INDEX gh_mfa_authenticators_credential_uniq ON gh_mfa_authenticators (credential_id)
    WHERE credential_id IS NOT NULL;

-- +goose Down
DROP INDEX gh_mfa_authenticators_credential_uniq;
ALTER TABLE gh_mfa_authenticators DROP COLUMN credential_id;
