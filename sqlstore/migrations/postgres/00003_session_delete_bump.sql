-- A deleted session moves the auth generation only when a row went: the
-- statement-level trigger of 00002 fired for every DELETE on gh_sessions,
-- so a logout or login carrying a stale or forged cookie (deleting nothing)
-- made every instance drop its cache, as did each periodic cleanup of
-- expired sessions that found none. SQLite's triggers are per row and never
-- had this.

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION gh_bump_auth_generation_if_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM gh_deleted_rows) THEN
        PERFORM gh_bump_auth_generation_now();
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION gh_bump_auth_generation_now() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    nv BIGINT;
BEGIN
    UPDATE gh_auth_generation SET v = v + 1 WHERE id = 1 RETURNING v INTO nv;
    PERFORM pg_notify('gh_auth_generation', nv::text);
END $$;
-- +goose StatementEnd
DROP TRIGGER gh_gen_sessions_delete ON gh_sessions;
CREATE TRIGGER gh_gen_sessions_delete AFTER DELETE ON gh_sessions
    REFERENCING OLD TABLE AS gh_deleted_rows
    FOR EACH STATEMENT EXECUTE FUNCTION gh_bump_auth_generation_if_deleted();

-- +goose Down
DROP TRIGGER gh_gen_sessions_delete ON gh_sessions;
CREATE TRIGGER gh_gen_sessions_delete AFTER DELETE ON gh_sessions FOR EACH STATEMENT EXECUTE FUNCTION gh_bump_auth_generation();
DROP FUNCTION gh_bump_auth_generation_if_deleted();
DROP FUNCTION gh_bump_auth_generation_now();
