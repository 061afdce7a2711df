-- A deleted session moves the auth generation only when a row went. On
-- PostgreSQL this replaces a statement-level trigger that also fired for
-- deletes of nothing; SQLite's triggers are per row, so its trigger already
-- behaved, and is recreated unchanged to keep both schemas at one version.

-- +goose Up
DROP TRIGGER gh_gen_sessions_delete;
-- +goose StatementBegin
CREATE TRIGGER gh_gen_sessions_delete AFTER DELETE ON gh_sessions
BEGIN UPDATE gh_auth_generation SET v = v + 1 WHERE id = 1; END;
-- +goose StatementEnd

-- +goose Down
SELECT 1;
