package djangoimport

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/testdb"
	"github.com/gatehouse-auth/gatehouse/social"
	"github.com/gatehouse-auth/gatehouse/sqlstore"
	"github.com/gatehouse-auth/gatehouse/user"
)

// backend opens a fresh, migrated store for one test.
type backend struct {
	name string
	open func(t testing.TB) *sqlstore.DB
}

// backends are the stores every import test runs against: SQLite always,
// PostgreSQL when GATEHOUSE_TEST_POSTGRES_URL is set (then each test gets a
// schema of its own, dropped at the end).
var backends = []backend{
	{"sqlite", openSQLite},
	{"postgres", openPostgres},
}

// eachBackend runs f once per backend, on a fresh store.
func eachBackend(t *testing.T, f func(t *testing.T, db *sqlstore.DB)) {
	t.Helper()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { f(t, b.open(t)) })
	}
}

var (
	openSQLite   = testdb.SQLite
	openPostgres = testdb.Postgres
)

func snapshot(t *testing.T, s user.Store) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	perms, err := s.ListPermissions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range perms {
		fmt.Fprintf(&b, "permission %s %q\n", p, p.Name)
	}
	groups, err := s.ListGroups(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range groups {
		gp, err := s.GroupPermissions(ctx, g.ID)
		if err != nil {
			t.Fatal(err)
		}
		codes := make([]string, len(gp))
		for i, p := range gp {
			codes[i] = p.String()
		}
		slices.Sort(codes)
		fmt.Fprintf(&b, "group %q %v\n", g.Name, codes)
	}
	users, err := s.ListUsers(ctx, 0, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(users, func(a, b *user.User) int { return strings.Compare(a.Username, b.Username) })
	for _, u := range users {
		fmt.Fprintf(&b, "user %q email=%q name=%q/%q password=%q active=%v staff=%v super=%v joined=%s last=%s\n",
			u.Username, u.Email, u.FirstName, u.LastName, u.Password, u.IsActive, u.IsStaff, u.IsSuperuser,
			u.DateJoined.UTC().Format("2006-01-02T15:04:05.000000Z"), u.LastLogin.UTC().Format("2006-01-02T15:04:05.000000Z"))
		gs, err := s.UserGroups(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range gs {
			fmt.Fprintf(&b, "  group %q\n", g.Name)
		}
		codes, err := s.UserPermissionCodes(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "  perms %v\n", codes)
		es, err := s.Emails(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range es {
			fmt.Fprintf(&b, "  email %q verified=%v primary=%v\n", e.Email, e.Verified, e.Primary)
		}
		if ss, ok := s.(social.Store); ok {
			links, err := ss.SocialAccounts(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range links {
				fmt.Fprintf(&b, "  social %s %q extra=%s joined=%s last=%s\n", a.Provider, a.UID, a.ExtraData,
					a.DateJoined.UTC().Format(time.RFC3339Nano), a.LastLogin.UTC().Format(time.RFC3339Nano))
			}
		}
	}
	if ss, ok := s.(social.Store); ok {
		apps, err := ss.SocialApps(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range apps {
			// A sealed secret differs at each sealing: the snapshot shows it
			// opened.
			secret, err := social.OpenSecret(testRing, a)
			fmt.Fprintf(&b, "app %s/%q name=%q client=%q secret=%q sealed=%v (%v) key=%q server=%q scopes=%q settings=%v\n",
				a.Provider, a.AppID, a.Name, a.ClientID, secret, strings.HasPrefix(a.Secret, "sealed:"), err,
				a.Key, a.ServerURL, a.Scopes, a.Settings)
		}
	}
	return b.String()
}
