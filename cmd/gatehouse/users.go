package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/user"
)

// cmdCreateSuperuser creates a superuser, interactively or with --no-input
// (password from GATEHOUSE_SUPERUSER_PASSWORD), like Django's command.
func cmdCreateSuperuser(ctx context.Context, f *cmdFlags, args []string) error {
	noInput := f.Bool("no-input", false, "do not prompt: --username required, password from GATEHOUSE_SUPERUSER_PASSWORD")
	f.BoolVar(noInput, "noinput", false, "same as --no-input")
	username := f.String("username", "", "`NAME` of the superuser")
	email := f.String("email", "", "email `ADDRESS`")
	if _, err := f.parse(args, 0, 0); err != nil {
		return err
	}
	if *noInput && *username == "" {
		return &usageError{cmd: f.name, msg: "--username is required with --no-input"}
	}
	a, err := openAdmin(ctx, f.e)
	if err != nil {
		return err
	}
	defer a.Close()
	p := newPrompter(f.e, "pass --no-input with --username (and --email), and the password in GATEHOUSE_SUPERUSER_PASSWORD")
	if *username == "" {
		if *username, err = p.line("Username: "); err != nil {
			return err
		}
	}
	if *email == "" && !*noInput {
		if *email, err = p.line("Email address: "); err != nil {
			return err
		}
	}
	u := &user.User{Username: *username, Email: *email}
	check := func(s string) []string { return a.problems(a.acc.ValidateNewPassword(u, s)) }
	var pw string
	if *noInput {
		pw = f.e.getenv("GATEHOUSE_SUPERUSER_PASSWORD")
		if pw == "" {
			return errors.New("GATEHOUSE_SUPERUSER_PASSWORD must be set with --no-input")
		}
		if ps := check(pw); len(ps) > 0 {
			return fmt.Errorf("password refused: %s", strings.Join(ps, " "))
		}
	} else if pw, err = p.newPassword(check); err != nil {
		return err
	}
	u.IsStaff, u.IsSuperuser = true, true
	if err := createUser(ctx, a, u, pw); err != nil {
		return err
	}
	fmt.Fprintf(f.e.stdout, "Superuser %s created.\n", u.Username)
	return nil
}

// cmdChangePassword sets a user's password and ends all their sessions.
func cmdChangePassword(ctx context.Context, f *cmdFlags, args []string) error {
	pwStdin := f.Bool("password-stdin", false, "read the new password from standard input (one line) instead of asking twice")
	pos, err := f.parse(args, 1, 1)
	if err != nil {
		return err
	}
	return withUser(ctx, f.e, pos[0], func(a *admin, u *user.User) error {
		check := func(s string) []string { return a.problems(a.acc.ValidateNewPassword(u, s)) }
		var pw string
		if *pwStdin {
			if pw, err = readPasswordStdin(f.e, "a terminal to type it twice"); err != nil {
				return err
			}
			if ps := check(pw); len(ps) > 0 {
				return fmt.Errorf("password refused: %s", strings.Join(ps, "; "))
			}
		} else {
			fmt.Fprintf(f.e.stderr, "Changing password for user %q\n", u.Username)
			p := newPrompter(f.e, "pass --password-stdin and pipe the password in")
			if pw, err = p.newPassword(check); err != nil {
				return err
			}
		}
		if err := a.acc.SetPassword(ctx, u, pw, account.Client{IP: "cli"}); err != nil {
			return err
		}
		if err := a.db.DeleteUser(ctx, u.ID, ""); err != nil {
			return err
		}
		fmt.Fprintf(f.e.stdout, "Password changed successfully for user %q; their sessions were ended.\n", u.Username)
		return nil
	})
}

func parseBool(s string) (bool, error) {
	switch s {
	case "yes", "on":
		return true, nil
	case "no", "off":
		return false, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, fmt.Errorf("want true or false, got %q", s)
	}
	return b, nil
}
