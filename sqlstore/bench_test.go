package sqlstore_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/session"
	"github.com/gatehouse-auth/gatehouse/sqlstore"
	"github.com/gatehouse-auth/gatehouse/user"
)

// benchStores are the databases every store benchmark runs on.
var benchStores = []struct {
	name string
	open func(testing.TB) *sqlstore.DB
}{{"sqlite", openSQLite}, {"postgres", openPostgres}}

// BenchmarkSessionUserPerms is the store work of one authenticated request:
// find the session, load its user, load the user's permission codes.
func BenchmarkSessionUserPerms(b *testing.B) {
	for _, d := range benchStores {
		b.Run(d.name, func(b *testing.B) {
			db := d.open(b)
			ctx := b.Context()
			id, uid := seedRequest(b, db)
			for b.Loop() {
				s, ok, err := db.Find(ctx, id)
				if err != nil || !ok {
					b.Fatalf("Find: %v %v", ok, err)
				}
				u, err := db.User(ctx, s.UserID)
				if err != nil || u.ID != uid {
					b.Fatalf("User: %v", err)
				}
				codes, err := db.UserPermissionCodes(ctx, u.ID)
				if err != nil || len(codes) != 12 {
					b.Fatalf("UserPermissionCodes = %d codes, %v", len(codes), err)
				}
			}
		})
	}
}

// seedRequest makes 1,000 users with sessions, and one user with 4 direct
// permissions and 3 groups of 4 (overlapping) permissions; it returns that
// user's session id and user id.
func seedRequest(b *testing.B, db *sqlstore.DB) (string, int64) {
	ctx := b.Context()
	if err := db.BulkCreateUsers(ctx, "other", 1000, bulkPassword, nil); err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	for i := range 1000 {
		_, id := session.NewToken()
		if err := db.Save(ctx, session.Session{ID: id, UserID: int64(i%1000 + 1), CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
			b.Fatal(err)
		}
	}
	u := &user.User{Username: "requester", IsActive: true, DateJoined: now}
	if err := db.CreateUser(ctx, u); err != nil {
		b.Fatal(err)
	}
	var perms []*user.Permission
	for i := range 12 {
		p := &user.Permission{AppLabel: "app", Codename: fmt.Sprintf("perm%02d", i)}
		if err := db.CreatePermission(ctx, p); err != nil {
			b.Fatal(err)
		}
		perms = append(perms, p)
	}
	for i := range 4 {
		if err := db.GrantUserPermission(ctx, u.ID, perms[i].ID); err != nil {
			b.Fatal(err)
		}
	}
	for g := range 3 {
		grp := &user.Group{Name: fmt.Sprintf("group%d", g)}
		if err := db.CreateGroup(ctx, grp); err != nil {
			b.Fatal(err)
		}
		for i := range 5 { // groups overlap each other and the direct grants
			if err := db.GrantGroupPermission(ctx, grp.ID, perms[(g*4+i+2)%12].ID); err != nil {
				b.Fatal(err)
			}
		}
		if err := db.AddUserToGroup(ctx, u.ID, grp.ID); err != nil {
			b.Fatal(err)
		}
	}
	_, id := session.NewToken()
	s := session.Session{ID: id, UserID: u.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}
	if err := db.Save(ctx, s); err != nil {
		b.Fatal(err)
	}
	return id, u.ID
}

// BenchmarkAuthGeneration is the store work of an authenticated request
// whose user is cached: is the cache still current?
func BenchmarkAuthGeneration(b *testing.B) {
	for _, d := range benchStores {
		b.Run(d.name, func(b *testing.B) {
			db := d.open(b)
			ctx := b.Context()
			if _, err := db.AuthGeneration(ctx); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := db.AuthGeneration(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
