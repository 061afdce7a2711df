-- A session's own row moves the auth generation when what a request of that
-- session relies on changes: its user, its expiry, remember-me, or its last
-- authentication (a reauthentication). Activity (last_seen_at) does not: it
-- is written once a minute per session, and the cache re-reads a session
-- before it would expire one on a cached activity time. A new session (a
-- login) does not either: logins elsewhere leave every cache as it is.

-- +goose Up
-- +goose StatementBegin
CREATE TRIGGER gh_gen_sessions_update AFTER UPDATE ON gh_sessions
WHEN OLD.user_id IS NOT NEW.user_id OR OLD.expires_at IS NOT NEW.expires_at
  OR OLD.remember IS NOT NEW.remember OR OLD.auth_at IS NOT NEW.auth_at
BEGIN UPDATE gh_auth_generation SET v = v + 1 WHERE id = 1; END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER gh_gen_sessions_update;
