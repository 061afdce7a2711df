package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/user"
)

// cmdCreateSuperuser creates a superuser, interactively or with --no-input
// (password from GATEHOUSE_SUPERUSER_PASSWORD), like Django's command.
func cmdCreateSuperuser(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "createsuperuser")
	noInput := fs.Bool("no-input", false, "do not prompt; password from GATEHOUSE_SUPERUSER_PASSWORD")
	fs.BoolVar(noInput, "noinput", false, "same as --no-input")
	username := fs.String("username", "", "username")
	email := fs.String("email", "", "email address")
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, err := openAdmin(ctx, e)
	if err != nil {
		return err
	}
	defer a.Close()
	p := newPrompter(e)
	if *username == "" {
		if *noInput {
			return errors.New("--username is required with --no-input")
		}
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
	var pw string
	if *noInput {
		pw = e.getenv("GATEHOUSE_SUPERUSER_PASSWORD")
		if pw == "" {
			return errors.New("GATEHOUSE_SUPERUSER_PASSWORD must be set with --no-input")
		}
		if ps := a.problems(a.acc.ValidateNewPassword(u, pw)); len(ps) > 0 {
			return fmt.Errorf("password refused: %s", strings.Join(ps, " "))
		}
	} else {
		if pw, err = p.newPassword(func(s string) []string { return a.problems(a.acc.ValidateNewPassword(u, s)) }); err != nil {
			return err
		}
	}
	u.IsStaff, u.IsSuperuser = true, true
	if err := createUser(ctx, a, u, pw); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Superuser %s created.\n", u.Username)
	return nil
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
		u.Password = a.gh.Passwords().Unusable()
	} else {
		enc, err := a.gh.Passwords().Hash(ctx, pw)
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

// cmdChangePassword sets a user's password and ends all their sessions.
func cmdChangePassword(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "changepassword")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return errors.New("usage: gatehouse changepassword USERNAME")
	}
	a, err := openAdmin(ctx, e)
	if err != nil {
		return err
	}
	defer a.Close()
	u, err := a.findUser(ctx, pos[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "Changing password for user %q\n", u.Username)
	pw, err := newPrompter(e).newPassword(func(s string) []string { return a.problems(a.acc.ValidateNewPassword(u, s)) })
	if err != nil {
		return err
	}
	if err := a.acc.SetPassword(ctx, u, pw, account.Client{IP: "cli"}); err != nil {
		return err
	}
	if err := a.db.DeleteUser(ctx, u.ID, ""); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Password changed successfully for user %q; their sessions were ended.\n", u.Username)
	return nil
}

// userJSON is the shape of `user show --json`.
type userJSON struct {
	ID                   int64      `json:"id"`
	Username             string     `json:"username"`
	Email                string     `json:"email"`
	FirstName            string     `json:"first_name"`
	LastName             string     `json:"last_name"`
	IsActive             bool       `json:"is_active"`
	IsStaff              bool       `json:"is_staff"`
	IsSuperuser          bool       `json:"is_superuser"`
	DateJoined           time.Time  `json:"date_joined"`
	LastLogin            *time.Time `json:"last_login"`
	Groups               []string   `json:"groups"`
	Permissions          []string   `json:"permissions"`
	PasswordAlgorithm    string     `json:"password_algorithm"`
	HasUsablePassword    bool       `json:"has_usable_password"`
	EffectiveIsSuperuser bool       `json:"effective_superuser"`
}

func (a *admin) describe(ctx context.Context, u *user.User) (*userJSON, error) {
	groups, err := a.db.UserGroups(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	perms, err := user.EffectivePerms(ctx, a.db, u)
	if err != nil {
		return nil, err
	}
	codes, err := perms.List(ctx, a.db)
	if err != nil {
		return nil, err
	}
	j := &userJSON{ID: u.ID, Username: u.Username, Email: u.Email, FirstName: u.FirstName, LastName: u.LastName,
		IsActive: u.IsActive, IsStaff: u.IsStaff, IsSuperuser: u.IsSuperuser, DateJoined: u.DateJoined,
		Groups: []string{}, Permissions: codes, PasswordAlgorithm: a.gh.Passwords().Algorithm(u.Password),
		HasUsablePassword: u.HasUsablePassword(), EffectiveIsSuperuser: perms.Superuser}
	if j.Permissions == nil {
		j.Permissions = []string{}
	}
	if !u.LastLogin.IsZero() {
		t := u.LastLogin
		j.LastLogin = &t
	}
	for _, g := range groups {
		j.Groups = append(j.Groups, g.Name)
	}
	return j, nil
}

func printUser(e *env, j *userJSON, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(j)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	last := "never"
	if j.LastLogin != nil {
		last = j.LastLogin.Format(time.RFC3339)
	}
	fmt.Fprintf(tw, "id\t%d\nusername\t%s\nemail\t%s\nname\t%s %s\nactive\t%v\nstaff\t%v\nsuperuser\t%v\n",
		j.ID, j.Username, j.Email, j.FirstName, j.LastName, j.IsActive, j.IsStaff, j.IsSuperuser)
	fmt.Fprintf(tw, "date joined\t%s\nlast login\t%s\npassword\t%s\ngroups\t%v\npermissions\t%v\n",
		j.DateJoined.Format(time.RFC3339), last, j.PasswordAlgorithm, j.Groups, j.Permissions)
	return tw.Flush()
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
