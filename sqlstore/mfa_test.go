package sqlstore_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/mfa"
	"github.com/gatehouse-auth/gatehouse/sqlstore"
	"github.com/gatehouse-auth/gatehouse/user"
)

// TestMFACascadeOnUserDelete: a deleted user takes their authenticators
// and used TOTP steps along (the user store has no delete; the CLI and
// admin delete the row).
func TestMFACascadeOnUserDelete(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := t.Context()
		now := time.Now().UTC().Truncate(time.Microsecond)
		ann := &user.User{Username: "ann", Password: "x", IsActive: true, DateJoined: now}
		bob := &user.User{Username: "bob", Password: "x", IsActive: true, DateJoined: now}
		for _, u := range []*user.User{ann, bob} {
			if err := db.CreateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
			for _, typ := range []string{mfa.TypeTOTP, mfa.TypeRecoveryCodes} {
				if err := db.AddAuthenticator(ctx, &mfa.Authenticator{UserID: u.ID, Type: typ, Data: json.RawMessage(`{}`), CreatedAt: now}); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := db.UseTOTPStep(ctx, u.ID, 1, now.Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.SQL().ExecContext(ctx, `DELETE FROM gh_users WHERE id = $1`, ann.ID); err != nil {
			t.Fatal(err)
		}
		count := func(q string, id int64) int {
			t.Helper()
			var n int
			if err := db.SQL().QueryRowContext(ctx, q, id).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		for _, c := range []struct {
			table string
			ann   int
			bob   int
		}{{"gh_mfa_authenticators", 0, 2}, {"gh_mfa_used_steps", 0, 1}} {
			q := `SELECT COUNT(*) FROM ` + c.table + ` WHERE user_id = $1`
			if got := count(q, ann.ID); got != c.ann {
				t.Errorf("%s: %d rows of the deleted user, want %d", c.table, got, c.ann)
			}
			if got := count(q, bob.ID); got != c.bob {
				t.Errorf("%s: %d rows of the other user, want %d", c.table, got, c.bob)
			}
		}
	})
}

// TestMFAAuthGeneration: this process's view of the auth generation (on
// PostgreSQL the listener's counter, not the row) moves at once with an
// authenticator added, changed or deleted, and not with a mere use.
func TestMFAAuthGeneration(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := t.Context()
		now := time.Now().UTC().Truncate(time.Microsecond)
		u := &user.User{Username: "gen", Password: "x", IsActive: true, DateJoined: now}
		if err := db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		a := &mfa.Authenticator{UserID: u.ID, Type: mfa.TypeRecoveryCodes, Data: json.RawMessage(`{"v":1}`), CreatedAt: now}
		step := func(name string, moves bool, fn func() error) {
			t.Helper()
			before := settle(t, db)
			if err := fn(); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			after, _ := db.AuthGeneration(ctx)
			if moved := after > before; moved != moves {
				t.Errorf("%s: generation %d → %d, want moved=%v", name, before, after, moves)
			}
		}
		step("add authenticator", true, func() error { return db.AddAuthenticator(ctx, a) })
		step("touch authenticator", false, func() error { return db.TouchAuthenticator(ctx, a.ID, now) })
		step("use totp step", false, func() error { _, err := db.UseTOTPStep(ctx, u.ID, 9, now); return err })
		step("change data", true, func() error {
			_, err := db.UpdateAuthenticatorData(ctx, a.ID, json.RawMessage(`{"v":1}`), json.RawMessage(`{"v":2}`), now)
			return err
		})
		step("delete authenticator", true, func() error { return db.DeleteAuthenticator(ctx, u.ID, a.ID) })
		step("delete all, none left", false, func() error { _, err := db.DeleteAuthenticators(ctx, u.ID); return err })
	})
}
