-- A stored social app added, changed or removed moves the auth generation
-- (and notifies gh_auth_generation): the login and signup pages show a
-- button per app, and instances keep those pages rendered only for the
-- generation they read first (see web.Options.Generation), so the next
-- request of any instance sees the change.

-- +goose Up
CREATE TRIGGER gh_gen_social_apps AFTER INSERT OR UPDATE OR DELETE ON gh_social_apps
    FOR EACH STATEMENT EXECUTE FUNCTION gh_bump_auth_generation();

-- +goose Down
DROP TRIGGER gh_gen_social_apps ON gh_social_apps;
