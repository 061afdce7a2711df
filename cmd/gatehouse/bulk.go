package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gatehouse-auth/gatehouse/user"
)

func newUser(username, email string, staff, super bool) *user.User {
	return &user.User{Username: username, Email: email, IsStaff: staff || super, IsSuperuser: super}
}

// cmdBulkCreate seeds benchmark users prefix0 … prefix{N-1}, all with one
// password hashed once.
func cmdBulkCreate(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "user bulk-create")
	count := fs.Int("count", 0, "number of users")
	prefix := fs.String("prefix", "bench", "username prefix")
	pw := fs.String("password", "", "password of every user")
	sessions := fs.Int("sessions", 0, "also create this many sessions spread over the users (tokens unknown, for table size)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *count <= 0 || *count > 100_000_000 {
		return errors.New("--count must be between 1 and 100000000")
	}
	if *pw == "" {
		return errors.New("--password is required")
	}
	if err := user.ValidateUsername(*prefix + "0"); err != nil {
		return fmt.Errorf("--prefix: %w", err)
	}
	a, err := openAdmin(ctx, e)
	if err != nil {
		return err
	}
	defer a.Close()
	enc, err := a.acc.Passwords.Hash(ctx, *pw)
	if err != nil {
		return err
	}
	start := time.Now()
	last := start
	err = a.db.BulkCreateUsers(ctx, *prefix, *count, enc, func(done int) {
		if time.Since(last) > 2*time.Second {
			last = time.Now()
			fmt.Fprintf(e.stderr, "  %d/%d users\n", done, *count)
		}
	})
	if err != nil {
		return err
	}
	el := time.Since(start)
	fmt.Fprintf(e.stdout, "Created %d users %s0…%s%d in %s (%.0f users/s).\n", *count, *prefix, *prefix, *count-1,
		el.Round(time.Millisecond), float64(*count)/el.Seconds())
	if *sessions > 0 {
		start = time.Now()
		if err := a.db.BulkCreateSessions(ctx, *sessions, nil); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Created %d sessions in %s.\n", *sessions, time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// cmdMigrate applies the embedded migrations.
func cmdMigrate(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "migrate")
	dbURL := fs.String("database", "", "database URL (GATEHOUSE_DATABASE_URL)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dbURL != "" {
		e.settings.set("database.url", *dbURL)
	}
	db, err := openDB(ctx, e.settings)
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintf(e.stdout, "Migrations applied (%s).\n", db.Dialect())
	return nil
}
