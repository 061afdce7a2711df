package main

import (
	"context"
	"fmt"
	"time"

	"github.com/gatehouse-auth/gatehouse/user"
)

// cmdBulkCreate seeds benchmark users prefix0 … prefix{N-1}, all with one
// password hashed once.
func cmdBulkCreate(ctx context.Context, f *cmdFlags, args []string) error {
	count := f.Int("count", 0, "create `N` users")
	prefix := f.String("prefix", "bench", "username prefix `P`")
	pw := f.String("password", "", "password `PW` of every user")
	sessions := f.Int("sessions", 0, "also create `M` sessions spread over the users (tokens unknown, for table size)")
	if _, err := f.parse(args, 0, 0); err != nil {
		return err
	}
	if *count <= 0 || *count > 100_000_000 {
		return &usageError{cmd: f.name, msg: "--count must be between 1 and 100000000"}
	}
	if *pw == "" {
		return &usageError{cmd: f.name, msg: "--password is required"}
	}
	if err := user.ValidateUsername(*prefix + "0"); err != nil {
		return fmt.Errorf("--prefix: %w", err)
	}
	a, err := openAdmin(ctx, f.e)
	if err != nil {
		return err
	}
	defer a.Close()
	e := f.e
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
