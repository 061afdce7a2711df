-- A stored social app added, changed or removed moves the auth generation:
-- the login and signup pages show a button per app, and instances keep
-- those pages rendered only for the generation they read first (see
-- web.Options.Generation), so the next request of any instance sees the
-- change.

-- +goose Up
-- +goose StatementBegin
CREATE TRIGGER gh_gen_social_apps_insert AFTER INSERT ON gh_social_apps
BEGIN UPDATE gh_auth_generation SET v = v + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER gh_gen_social_apps_update AFTER UPDATE ON gh_social_apps
BEGIN UPDATE gh_auth_generation SET v = v + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER gh_gen_social_apps_delete AFTER DELETE ON gh_social_apps
BEGIN UPDATE gh_auth_generation SET v = v + 1 WHERE id = 1; END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER gh_gen_social_apps_insert;
DROP TRIGGER gh_gen_social_apps_update;
DROP TRIGGER gh_gen_social_apps_delete;
