-- A session's own row moves the auth generation when what a request of that
-- session relies on changes: its user, its expiry, remember-me, or its last
-- authentication (a reauthentication). Activity (last_seen_at) does not: it
-- is written once a minute per session, and the cache re-reads a session
-- before it would expire one on a cached activity time. A new session (a
-- login) does not either: logins elsewhere leave every cache as it is. A
-- row-level trigger with a WHEN condition: an upsert that inserts, or an
-- update that changes none of these, costs nothing.

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION gh_bump_auth_generation_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM gh_bump_auth_generation_now();
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER gh_gen_sessions_update AFTER UPDATE ON gh_sessions
    FOR EACH ROW
    WHEN (OLD.user_id IS DISTINCT FROM NEW.user_id OR OLD.expires_at IS DISTINCT FROM NEW.expires_at
          OR OLD.remember IS DISTINCT FROM NEW.remember OR OLD.auth_at IS DISTINCT FROM NEW.auth_at)
    EXECUTE FUNCTION gh_bump_auth_generation_row();

-- +goose Down
DROP TRIGGER gh_gen_sessions_update ON gh_sessions;
DROP FUNCTION gh_bump_auth_generation_row();
