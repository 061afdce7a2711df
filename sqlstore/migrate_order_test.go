package sqlstore_test

import (
	"testing"

	"github.com/gatehouse-auth/gatehouse/mail"
	"github.com/gatehouse-auth/gatehouse/sqlstore"
)

// TestMigrateOutOfOrder: a database that has a later migration but lacks
// an earlier one (00005, the mail outbox, landed after 00006) gets the
// missing one from Migrate instead of a refusal.
func TestMigrateOutOfOrder(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := t.Context()
		for _, q := range []string{`DROP TABLE gh_mail_outbox`, `DELETE FROM gh_goose_version WHERE version_id = 5`} {
			if _, err := db.SQL().ExecContext(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		if err := db.Migrate(ctx); err != nil {
			t.Fatalf("Migrate without 00005: %v", err)
		}
		if err := db.Enqueue(ctx, &mail.Message{To: []string{"ann@example.com"}, Subject: "Hi"}); err != nil {
			t.Errorf("Enqueue after the late migration: %v", err)
		}
	})
}
