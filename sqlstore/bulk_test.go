package sqlstore_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/sqlstore"
	"github.com/gatehouse-auth/gatehouse/user"
)

const bulkPassword = "argon2$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g"

func TestBulkCreateUsers(t *testing.T) {
	// Small batches, so that 2,345 users cross statement and transaction
	// boundaries and end on a partial batch.
	defer sqlstore.SetBulkSizes(100, 1000)()
	eachDialect(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := t.Context()
		first := &user.User{Username: "existing", Email: "existing@example.com", DateJoined: time.Now()}
		if err := db.CreateUser(ctx, first); err != nil {
			t.Fatal(err)
		}
		const n = 2345
		var reports []int
		before := time.Now().Add(-time.Second)
		if err := db.BulkCreateUsers(ctx, "Seed", n, bulkPassword, func(done int) { reports = append(reports, done) }); err != nil {
			t.Fatal(err)
		}
		// One report per batch of 1,000 (PostgreSQL loads two batches at a
		// time, so they may finish in any order), growing to n.
		if len(reports) != 3 || !slices.IsSorted(reports) || reports[2] != n || reports[0] < 345 {
			t.Errorf("progress reports %v, want 3 growing to %d", reports, n)
		}
		if c, err := db.CountUsers(ctx); err != nil || c != n+1 {
			t.Errorf("CountUsers = %d, %v; want %d", c, err, n+1)
		}
		for _, i := range []int{0, 99, 100, 1234, n - 1} {
			name := fmt.Sprintf("Seed%d", i)
			u, err := db.UserByUsername(ctx, fmt.Sprintf("SEED%d", i))
			if err != nil {
				t.Fatalf("UserByUsername(%s): %v", name, err)
			}
			if u.Username != name || u.Email != name+"@example.com" || u.Password != bulkPassword ||
				!u.IsActive || u.IsStaff || u.IsSuperuser || !u.LastLogin.IsZero() ||
				u.DateJoined.Before(before) || u.DateJoined.After(time.Now()) {
				t.Errorf("bulk user %s = %+v", name, u)
			}
			byEmail, err := db.UserByEmail(ctx, fmt.Sprintf("seed%d@EXAMPLE.com", i))
			if err != nil || byEmail.ID != u.ID {
				t.Errorf("UserByEmail(%s) = %v, %v", name, byEmail, err)
			}
			emails, err := db.Emails(ctx, u.ID)
			if err != nil || len(emails) != 1 || !emails[0].Primary || emails[0].Verified || emails[0].Email != u.Email {
				t.Errorf("Emails(%s) = %v, %v", name, emails, err)
			}
			similar, err := db.UsersBySkeleton(ctx, user.Skeleton(name))
			if err != nil || len(similar) != 1 || similar[0].ID != u.ID {
				t.Errorf("UsersBySkeleton(%s) = %v, %v", name, similar, err)
			}
		}
		// The ids are new and distinct: CreateUser after the bulk run works.
		last := &user.User{Username: "after", Email: "after@example.com", DateJoined: time.Now()}
		if err := db.CreateUser(ctx, last); err != nil {
			t.Fatalf("CreateUser after bulk: %v", err)
		}
		if list, err := db.ListUsers(ctx, 0, n+10); err != nil || len(list) != n+2 {
			t.Errorf("ListUsers = %d users, %v", len(list), err)
		}

		// Running it again collides on the first batch and keeps nothing of it.
		err := db.BulkCreateUsers(ctx, "seed", 10, bulkPassword, nil)
		var dup *user.DuplicateError
		if !errors.As(err, &dup) || (dup.Field != "username" && dup.Field != "email") {
			t.Errorf("second bulk run = %v, want a DuplicateError", err)
		}
		if c, _ := db.CountUsers(ctx); c != n+2 {
			t.Errorf("CountUsers after the failed run = %d, want %d", c, n+2)
		}
	})
}

// BenchmarkBulkCreateUsers inserts b.N users in one BulkCreateUsers call, so
// that -benchtime=1000000x measures seeding a million users.
func BenchmarkBulkCreateUsers(b *testing.B) {
	for _, d := range benchStores {
		b.Run(d.name, func(b *testing.B) {
			db := d.open(b)
			start := time.Now()
			b.ResetTimer()
			if err := db.BulkCreateUsers(b.Context(), fmt.Sprintf("bench%d_", b.N), b.N, bulkPassword, nil); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "users/s")
		})
	}
}
