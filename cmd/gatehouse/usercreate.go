package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/user"
)

// userCreate is "gatehouse user create".
func userCreate(ctx context.Context, f *cmdFlags, args []string) error {
	email := f.String("email", "", "email `ADDRESS`")
	staff := f.Bool("staff", false, "is_staff: may use admin tools")
	super := f.Bool("superuser", false, "is_superuser (and is_staff): holds every permission")
	pwStdin := f.Bool("password-stdin", false, "read the password from standard input (one line)")
	noPw := f.Bool("no-password", false, "store an unusable password")
	pos, err := f.parse(args, 1, 1)
	if err != nil {
		return err
	}
	if *pwStdin && *noPw {
		return &usageError{cmd: f.name, msg: "--password-stdin and --no-password exclude each other"}
	}
	a, err := openAdmin(ctx, f.e)
	if err != nil {
		return err
	}
	defer a.Close()
	u := newUser(pos[0], *email, *staff, *super)
	check := func(s string) []string { return a.problems(a.acc.ValidateNewPassword(u, s)) }
	pw := ""
	switch {
	case *noPw:
	case *pwStdin:
		if pw, err = readPasswordStdin(f.e, "--no-password for an unusable one"); err != nil {
			return err
		}
	default:
		p := newPrompter(f.e, "pass --password-stdin and pipe the password in, or --no-password for an unusable one")
		if pw, err = p.newPassword(check); err != nil {
			return err
		}
	}
	if pw != "" {
		if ps := check(pw); len(ps) > 0 {
			return fmt.Errorf("password refused: %s", strings.Join(ps, "; "))
		}
	}
	if err := createUser(ctx, a, u, pw); err != nil {
		return err
	}
	fmt.Fprintf(f.e.stdout, "User %s created (id %d).\n", u.Username, u.ID)
	return nil
}

// readPasswordStdin reads a password, the first line of standard input;
// instead names what to do without one.
func readPasswordStdin(e *env, instead string) (string, error) {
	b, err := io.ReadAll(io.LimitReader(e.stdin, 4096))
	if err != nil {
		return "", err
	}
	pw, _, _ := strings.Cut(string(b), "\n")
	pw = strings.TrimRight(pw, "\r")
	if pw == "" {
		return "", fmt.Errorf("no password on standard input (--password-stdin); pipe one in, or use %s", instead)
	}
	return pw, nil
}

func newUser(username, email string, staff, super bool) *user.User {
	return &user.User{Username: username, Email: email, IsStaff: staff || super, IsSuperuser: super}
}

// createUser validates the username and email as signup does and stores u
// with pw hashed ("" stores an unusable password).
func createUser(ctx context.Context, a *admin, u *user.User, pw string) error {
	if err := user.ValidateUsername(u.Username); err != nil {
		return err
	}
	if u.Email != "" {
		if err := user.ValidateEmail(u.Email); err != nil {
			return err
		}
	}
	u.IsActive = true
	u.DateJoined = time.Now().UTC().Truncate(time.Microsecond)
	if pw == "" {
		u.Password = a.acc.Passwords.Unusable()
	} else {
		enc, err := a.acc.Passwords.Hash(ctx, pw)
		if err != nil {
			return err
		}
		u.Password = enc
	}
	if err := a.db.CreateUser(ctx, u); err != nil {
		var dup *user.DuplicateError
		if errors.As(err, &dup) {
			return fmt.Errorf("a user with that %s already exists", dup.Field)
		}
		return err
	}
	return nil
}
