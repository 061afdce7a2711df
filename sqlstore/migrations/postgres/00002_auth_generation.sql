-- The auth generation: a counter that every change able to alter what a
-- signed-in request sees (a user's flags or password, memberships, grants,
-- groups, permissions, a deleted session) increments in the same
-- transaction, so the new value is visible exactly when the change is.
-- Instances cache sessions, users and permissions and check one row per
-- request instead of reloading them (see gatehouse.AuthGenerationStore); each
-- change also notifies channel gh_auth_generation at commit. Statement-level
-- triggers: one increment per statement, whatever the rows.

-- +goose Up
CREATE TABLE gh_auth_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    v  BIGINT NOT NULL
);
INSERT INTO gh_auth_generation (id, v) VALUES (1, 1);

-- +goose StatementBegin
CREATE FUNCTION gh_bump_auth_generation() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    nv BIGINT;
BEGIN
    UPDATE gh_auth_generation SET v = v + 1 WHERE id = 1 RETURNING v INTO nv;
    -- Delivered to listeners when (and only if) the transaction commits.
    PERFORM pg_notify('gh_auth_generation', nv::text);
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER gh_gen_users_update AFTER UPDATE OF username, email, first_name, last_name, password, is_active, is_staff, is_superuser ON gh_users
    FOR EACH STATEMENT EXECUTE FUNCTION gh_bump_auth_generation();
CREATE TRIGGER gh_gen_users_delete AFTER DELETE ON gh_users FOR EACH STATEMENT EXECUTE FUNCTION gh_bump_auth_generation();
CREATE TRIGGER gh_gen_sessions_delete AFTER DELETE ON gh_sessions FOR EACH STATEMENT EXECUTE FUNCTION gh_bump_auth_generation();
CREATE TRIGGER gh_gen_user_groups AFTER INSERT OR DELETE ON gh_user_groups FOR EACH STATEMENT EXECUTE FUNCTION gh_bump_auth_generation();
CREATE TRIGGER gh_gen_user_permissions AFTER INSERT OR DELETE ON gh_user_permissions FOR EACH STATEMENT EXECUTE FUNCTION gh_bump_auth_generation();
CREATE TRIGGER gh_gen_group_permissions AFTER INSERT OR DELETE ON gh_group_permissions FOR EACH STATEMENT EXECUTE FUNCTION gh_bump_auth_generation();
CREATE TRIGGER gh_gen_groups AFTER UPDATE OR DELETE ON gh_groups FOR EACH STATEMENT EXECUTE FUNCTION gh_bump_auth_generation();
CREATE TRIGGER gh_gen_permissions AFTER INSERT OR UPDATE OR DELETE ON gh_permissions FOR EACH STATEMENT EXECUTE FUNCTION gh_bump_auth_generation();

-- +goose Down
DROP TRIGGER gh_gen_users_update ON gh_users;
DROP TRIGGER gh_gen_users_delete ON gh_users;
DROP TRIGGER gh_gen_sessions_delete ON gh_sessions;
DROP TRIGGER gh_gen_user_groups ON gh_user_groups;
DROP TRIGGER gh_gen_user_permissions ON gh_user_permissions;
DROP TRIGGER gh_gen_group_permissions ON gh_group_permissions;
DROP TRIGGER gh_gen_groups ON gh_groups;
DROP TRIGGER gh_gen_permissions ON gh_permissions;
DROP FUNCTION gh_bump_auth_generation();
DROP TABLE gh_auth_generation;
