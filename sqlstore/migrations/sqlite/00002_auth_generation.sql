-- The auth generation: a counter that every change able to alter what a
-- signed-in request sees (a user's flags or password, memberships, grants,
-- groups, permissions, a deleted session) increments in the same
-- transaction (a new permission too: superusers see every one). Instances cache sessions, users and permissions and check one
-- row per request instead of reloading them (see gatehouse.AuthCache).

-- +goose Up
CREATE TABLE gh_auth_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    v  INTEGER NOT NULL
) STRICT;
INSERT INTO gh_auth_generation (id, v) VALUES (1, 1);

-- +goose StatementBegin
CREATE TRIGGER gh_gen_users_update AFTER UPDATE OF username, email, first_name, last_name, password, is_active, is_staff, is_superuser ON gh_users
BEGIN UPDATE gh_auth_generation SET v = v + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER gh_gen_users_delete AFTER DELETE ON gh_users
BEGIN UPDATE gh_auth_generation SET v = v + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER gh_gen_sessions_delete AFTER DELETE ON gh_sessions
BEGIN UPDATE gh_auth_generation SET v = v + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER gh_gen_user_groups_insert AFTER INSERT ON gh_user_groups
BEGIN UPDATE gh_auth_generation SET v = v + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER gh_gen_user_groups_delete AFTER DELETE ON gh_user_groups
BEGIN UPDATE gh_auth_generation SET v = v + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER gh_gen_user_permissions_insert AFTER INSERT ON gh_user_permissions
BEGIN UPDATE gh_auth_generation SET v = v + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER gh_gen_user_permissions_delete AFTER DELETE ON gh_user_permissions
BEGIN UPDATE gh_auth_generation SET v = v + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER gh_gen_group_permissions_insert AFTER INSERT ON gh_group_permissions
BEGIN UPDATE gh_auth_generation SET v = v + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER gh_gen_group_permissions_delete AFTER DELETE ON gh_group_permissions
BEGIN UPDATE gh_auth_generation SET v = v + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER gh_gen_groups_change AFTER UPDATE ON gh_groups
BEGIN UPDATE gh_auth_generation SET v = v + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER gh_gen_groups_delete AFTER DELETE ON gh_groups
BEGIN UPDATE gh_auth_generation SET v = v + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER gh_gen_permissions_change AFTER UPDATE ON gh_permissions
BEGIN UPDATE gh_auth_generation SET v = v + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER gh_gen_permissions_insert AFTER INSERT ON gh_permissions
BEGIN UPDATE gh_auth_generation SET v = v + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER gh_gen_permissions_delete AFTER DELETE ON gh_permissions
BEGIN UPDATE gh_auth_generation SET v = v + 1 WHERE id = 1; END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER gh_gen_users_update;
DROP TRIGGER gh_gen_users_delete;
DROP TRIGGER gh_gen_sessions_delete;
DROP TRIGGER gh_gen_user_groups_insert;
DROP TRIGGER gh_gen_user_groups_delete;
DROP TRIGGER gh_gen_user_permissions_insert;
DROP TRIGGER gh_gen_user_permissions_delete;
DROP TRIGGER gh_gen_group_permissions_insert;
DROP TRIGGER gh_gen_group_permissions_delete;
DROP TRIGGER gh_gen_groups_change;
DROP TRIGGER gh_gen_groups_delete;
DROP TRIGGER gh_gen_permissions_change;
DROP TRIGGER gh_gen_permissions_insert;
DROP TRIGGER gh_gen_permissions_delete;
DROP TABLE gh_auth_generation;
