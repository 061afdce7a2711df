package sqlstore_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/testdb"
	"github.com/gatehouse-auth/gatehouse/session"
	"github.com/gatehouse-auth/gatehouse/sqlstore"
	"github.com/gatehouse-auth/gatehouse/storetest"
	"github.com/gatehouse-auth/gatehouse/user"
)

var (
	openSQLite     = testdb.SQLite
	openMigrated   = testdb.Open
	postgresURL    = testdb.PostgresURL
	openPostgres   = testdb.Postgres
	postgresSchema = testdb.PostgresSchema
)

const postgresEnv = testdb.PostgresEnv

func stores(db *sqlstore.DB) storetest.Stores {
	return storetest.Stores{Users: db, Sessions: db, Limits: db, Flows: db, Outbox: db, Social: db, MFA: db}
}

func TestSQLite(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Stores { return stores(openSQLite(t)) })
}

func TestSQLiteMemory(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Stores { return stores(openMigrated(t, "sqlite::memory:")) })
}

func TestPostgres(t *testing.T) {
	postgresURL(t)
	storetest.Run(t, func(t *testing.T) storetest.Stores { return stores(openPostgres(t)) })
}

// eachDialect runs fn on SQLite and, when configured, PostgreSQL.
func eachDialect(t *testing.T, fn func(t *testing.T, db *sqlstore.DB)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, openSQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, openPostgres(t)) })
}

func TestOpen(t *testing.T) {
	ctx := t.Context()
	for _, bad := range []string{"", "mysql://x", "sqlite3:x.db", "sqlite:", "sqlite://", "postgres:/x"} {
		if db, err := sqlstore.Open(ctx, bad); err == nil {
			db.Close()
			t.Errorf("Open(%q) succeeded", bad)
		}
	}
	dir := t.TempDir()
	for _, u := range []string{"sqlite:" + filepath.Join(dir, "a.db"), "sqlite://" + filepath.Join(dir, "b.db"), "sqlite::memory:"} {
		db := openMigrated(t, u)
		if db.Dialect() != "sqlite" {
			t.Errorf("Open(%q).Dialect() = %q", u, db.Dialect())
		}
		if err := db.CreateUser(ctx, &user.User{Username: "x", DateJoined: time.Now()}); err != nil {
			t.Errorf("%s: CreateUser: %v", u, err)
		}
	}
	for _, name := range []string{"a.db", "b.db"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("sqlite file not created: %v", err)
		}
	}
	// A password in the URL stays out of errors.
	_, err := sqlstore.Open(ctx, "postgres://gh:s3cret@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
	if err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("Open(unreachable postgres) = %v", err)
	}
	if os.Getenv(postgresEnv) != "" {
		if db := openPostgres(t); db.Dialect() != "postgres" {
			t.Errorf("Dialect() = %q, want postgres", db.Dialect())
		}
	}
}

// TestSQLiteWritersDoNotBusy runs writers through two DBs on one file, as two
// server processes would, and expects neither SQLITE_BUSY nor a lost update.
func TestSQLiteWritersDoNotBusy(t *testing.T) {
	path := "sqlite:" + filepath.Join(t.TempDir(), "shared.db")
	a := openMigrated(t, path)
	b := openMigrated(t, path)
	ctx := t.Context()
	u := &user.User{Username: "writer", DateJoined: time.Now()}
	if err := a.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	const perDB = 40
	var wg sync.WaitGroup
	errs := make(chan error, 4*perDB)
	now := time.Now()
	for range perDB {
		for _, db := range []*sqlstore.DB{a, b} {
			wg.Go(func() {
				if _, err := db.Hit(ctx, "busy", time.Hour, now); err != nil {
					errs <- err
				}
			})
			wg.Go(func() {
				// A read-then-write transaction: the pattern that fails with
				// SQLITE_BUSY under deferred transactions.
				err := db.Atomic(ctx, func(s user.Store) error {
					if _, err := s.User(ctx, u.ID); err != nil {
						return err
					}
					_, id := session.NewToken()
					return s.(session.Store).Save(ctx, session.Session{
						ID: id, UserID: u.ID,
						CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour),
					})
				})
				if err != nil {
					errs <- err
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent write: %v", err)
	}
	if n, err := a.Count(ctx, "busy", now); err != nil || n.Count != 2*perDB {
		t.Errorf("Count = %d, %v; want %d", n.Count, err, 2*perDB)
	}
	if list, err := b.ListUser(ctx, u.ID); err != nil || len(list) != 2*perDB {
		t.Errorf("ListUser = %d sessions, %v; want %d", len(list), err, 2*perDB)
	}
}

// TestAtomicSessions checks that the store Atomic passes to fn is a
// session.Store in the same transaction.
func TestAtomicSessions(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := t.Context()
		u := &user.User{Username: "atomic", DateJoined: time.Now()}
		if err := db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		_, id := session.NewToken()
		abort := errors.New("abort")
		err := db.Atomic(ctx, func(s user.Store) error {
			ss, ok := s.(session.Store)
			if !ok {
				t.Fatalf("Atomic's store %T is not a session.Store", s)
			}
			now := time.Now()
			if err := ss.Save(ctx, session.Session{ID: id, UserID: u.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now}); err != nil {
				return err
			}
			if _, ok, err := ss.Find(ctx, id); !ok || err != nil {
				t.Errorf("session not visible inside the transaction: %v", err)
			}
			if err := s.(*sqlstore.DB).Close(); err == nil {
				t.Errorf("Close inside Atomic succeeded")
			}
			return abort
		})
		if !errors.Is(err, abort) {
			t.Fatalf("Atomic = %v", err)
		}
		if _, ok, err := db.Find(ctx, id); ok || err != nil {
			t.Errorf("session survived the rollback: %v, %v", ok, err)
		}
	})
}

func TestSessionUser(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := t.Context()
		u := &user.User{Username: "sue", Email: "sue@example.com", Password: "x", IsActive: true, IsStaff: true, DateJoined: time.Now().UTC().Truncate(time.Microsecond)}
		if err := db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC().Truncate(time.Microsecond)
		s := session.Session{ID: "abc", UserID: u.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour), AuthAt: now, IP: "192.0.2.1", UserAgent: "ua"}
		if err := db.Save(ctx, s); err != nil {
			t.Fatal(err)
		}
		gs, gu, ok, err := db.SessionUser(ctx, "abc")
		if err != nil || !ok {
			t.Fatalf("SessionUser: %v %v", ok, err)
		}
		if gs.UserID != u.ID || !gs.ExpiresAt.Equal(s.ExpiresAt) || gs.IP != "192.0.2.1" {
			t.Errorf("session %+v", gs)
		}
		if gu.Username != "sue" || !gu.IsStaff || !gu.DateJoined.Equal(u.DateJoined) || !gu.LastLogin.IsZero() {
			t.Errorf("user %+v", gu)
		}
		if _, _, ok, err := db.SessionUser(ctx, "nope"); ok || err != nil {
			t.Errorf("unknown session: %v %v", ok, err)
		}
	})
}

// TestAuthGeneration checks which writes move the auth generation: every
// change a signed-in request could see, and not the per-request bookkeeping
// (last login, session activity, new sessions).
func TestAuthGeneration(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := t.Context()
		now := time.Now().UTC().Truncate(time.Microsecond)
		u := &user.User{Username: "gen", Password: "x", IsActive: true, DateJoined: now}
		if err := db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		g := &user.Group{Name: "g"}
		p := &user.Permission{AppLabel: "a", Codename: "c", Name: "n"}
		if err := db.CreateGroup(ctx, g); err != nil {
			t.Fatal(err)
		}
		if err := db.CreatePermission(ctx, p); err != nil {
			t.Fatal(err)
		}
		s := session.Session{ID: "s1", UserID: u.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour), AuthAt: now}
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
		step("save session", false, func() error { return db.Save(ctx, s) })
		step("touch session", false, func() error { return db.Touch(ctx, "s1", now.Add(time.Minute)) })
		step("last login", false, func() error { return db.SetLastLogin(ctx, u.ID, now) })
		step("grant user", true, func() error { return db.GrantUserPermission(ctx, u.ID, p.ID) })
		step("revoke user", true, func() error { return db.RevokeUserPermission(ctx, u.ID, p.ID) })
		step("join group", true, func() error { return db.AddUserToGroup(ctx, u.ID, g.ID) })
		step("grant group", true, func() error { return db.GrantGroupPermission(ctx, g.ID, p.ID) })
		step("revoke group", true, func() error { return db.RevokeGroupPermission(ctx, g.ID, p.ID) })
		step("leave group", true, func() error { return db.RemoveUserFromGroup(ctx, u.ID, g.ID) })
		step("set password", true, func() error { return db.SetPassword(ctx, u.ID, "y") })
		u.IsActive = false
		step("deactivate", true, func() error { return db.UpdateUser(ctx, u) })
		step("create permission", true, func() error {
			return db.CreatePermission(ctx, &user.Permission{AppLabel: "a", Codename: "d", Name: "n"})
		})
		step("delete group", true, func() error { return db.DeleteGroup(ctx, g.ID) })
		// Deleting what does not exist (a logout or a login carrying a
		// stale or forged cookie) must not flush every instance's cache.
		step("delete unknown session", false, func() error { return db.Delete(ctx, "no-such-session") })
		step("delete a user's sessions, none left", false, func() error { return db.DeleteUser(ctx, u.ID+1000, "") })
		step("delete session", true, func() error { return db.Delete(ctx, "s1") })
	})
}

func TestBulkCreateSessions(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := t.Context()
		if err := db.BulkCreateUsers(ctx, "s", 10, "x", nil); err != nil {
			t.Fatal(err)
		}
		if err := db.BulkCreateSessions(ctx, 250, nil); err != nil {
			t.Fatal(err)
		}
		total := 0
		for i := 0; i < 10; i++ {
			u, err := db.UserByUsername(ctx, fmt.Sprintf("s%d", i))
			if err != nil {
				t.Fatal(err)
			}
			ss, err := db.ListUser(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			total += len(ss)
			for _, s := range ss {
				if len(s.ID) != 64 || !s.ExpiresAt.After(time.Now()) {
					t.Errorf("bulk session %+v", s)
				}
			}
		}
		if total != 250 {
			t.Fatalf("%d sessions over the users, want 250", total)
		}
	})
}

// settle waits until the auth generation stops moving (on PostgreSQL the
// notifications of earlier changes arrive asynchronously) and returns it.
func settle(t *testing.T, db *sqlstore.DB) int64 {
	t.Helper()
	if !sqlstore.WaitListener(db, 5*time.Second) {
		t.Fatal("the auth generation listener did not come up")
	}
	prev, err := db.AuthGeneration(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 40; i++ {
		time.Sleep(25 * time.Millisecond)
		v, err := db.AuthGeneration(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if v == prev {
			return v
		}
		prev = v
	}
	t.Fatal("auth generation never settled")
	return 0
}

// TestAuthGenerationSeesOtherConnections changes data through a second
// handle on the same database, as the CLI or another instance would.
func TestAuthGenerationSeesOtherConnections(t *testing.T) {
	for name, url := range map[string]func(t *testing.T) string{
		"sqlite":   func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "g.db") },
		"postgres": func(t *testing.T) string { return postgresSchema(t) },
	} {
		t.Run(name, func(t *testing.T) {
			u := url(t)
			a, b := openMigrated(t, u), openMigrated(t, u)
			ctx := t.Context()
			usr := &user.User{Username: "other", Password: "x", IsActive: true, DateJoined: time.Now().UTC()}
			if err := b.CreateUser(ctx, usr); err != nil {
				t.Fatal(err)
			}
			before := settle(t, a)
			usr.IsActive = false
			if err := b.UpdateUser(ctx, usr); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(time.Second)
			for {
				v, err := a.AuthGeneration(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if v > before {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("a change through another connection did not move the generation within 1 s")
				}
				time.Sleep(time.Millisecond)
			}
		})
	}
}

// TestCloseStopsWatchers: Close ends the generation watchers' connections and
// goroutines, so opening and closing stores leaks nothing.
func TestCloseStopsWatchers(t *testing.T) {
	for name, url := range map[string]func(t *testing.T) string{
		"sqlite":   func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "w.db") },
		"postgres": func(t *testing.T) string { return postgresSchema(t) },
	} {
		t.Run(name, func(t *testing.T) {
			u := url(t)
			before := runtime.NumGoroutine()
			for i := 0; i < 3; i++ {
				db, err := sqlstore.Open(t.Context(), u)
				if err != nil {
					t.Fatal(err)
				}
				if err := db.Migrate(t.Context()); err != nil {
					t.Fatal(err)
				}
				if !sqlstore.WaitListener(db, 5*time.Second) {
					t.Fatal("listener did not come up")
				}
				if _, err := db.AuthGeneration(t.Context()); err != nil {
					t.Fatal(err)
				}
				if err := db.Close(); err != nil {
					t.Fatal(err)
				}
			}
			deadline := time.Now().Add(3 * time.Second)
			for runtime.NumGoroutine() > before+2 {
				if time.Now().After(deadline) {
					t.Fatalf("goroutines %d before, %d after three open/close cycles", before, runtime.NumGoroutine())
				}
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
}
