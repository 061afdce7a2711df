package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// cmdUser dispatches "gatehouse user SUBCOMMAND".
func cmdUser(ctx context.Context, e *env, args []string) error {
	const use = "usage: gatehouse user list [--json] | show USER [--json] | create USER [--email E] [--staff] [--superuser] [--password-stdin | --no-password] | set-active USER true|false | logout USER | add-group USER GROUP | remove-group USER GROUP | grant USER APP.CODENAME | revoke USER APP.CODENAME | bulk-create --count N --prefix P --password PW"
	if len(args) == 0 {
		return errors.New(use)
	}
	sub, args := args[0], args[1:]
	if sub == "bulk-create" {
		return cmdBulkCreate(ctx, e, args)
	}
	fs := newFlags(e, "user "+sub)
	asJSON := fs.Bool("json", false, "print JSON")
	email := fs.String("email", "", "email address (create)")
	staff := fs.Bool("staff", false, "is_staff (create)")
	super := fs.Bool("superuser", false, "is_superuser and is_staff (create)")
	pwStdin := fs.Bool("password-stdin", false, "read the password from standard input (create)")
	noPw := fs.Bool("no-password", false, "store an unusable password (create)")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	want := map[string]int{"list": 0, "show": 1, "create": 1, "logout": 1, "set-active": 2, "add-group": 2, "remove-group": 2, "grant": 2, "revoke": 2}
	n, ok := want[sub]
	if !ok || len(pos) != n {
		return errors.New(use)
	}
	a, err := openAdmin(ctx, e)
	if err != nil {
		return err
	}
	defer a.Close()
	if sub == "list" {
		return listUsers(ctx, e, a, *asJSON)
	}
	if sub == "create" {
		u := newUser(pos[0], *email, *staff, *super)
		pw := ""
		switch {
		case *noPw:
		case *pwStdin:
			b, err := io.ReadAll(io.LimitReader(e.stdin, 4096))
			if err != nil {
				return err
			}
			pw = strings.TrimRight(string(b), "\r\n")
			if pw == "" {
				return errors.New("no password on standard input (use --no-password for an unusable one)")
			}
		default:
			if pw, err = newPrompter(e).newPassword(func(s string) []string { return a.problems(a.acc.ValidateNewPassword(u, s)) }); err != nil {
				return err
			}
		}
		if pw != "" {
			if ps := a.problems(a.acc.ValidateNewPassword(u, pw)); len(ps) > 0 {
				return fmt.Errorf("password refused: %s", strings.Join(ps, "; "))
			}
		}
		if err := createUser(ctx, a, u, pw); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "User %s created (id %d).\n", u.Username, u.ID)
		return nil
	}
	u, err := a.findUser(ctx, pos[0])
	if err != nil {
		return err
	}
	switch sub {
	case "show":
		j, err := a.describe(ctx, u)
		if err != nil {
			return err
		}
		return printUser(e, j, *asJSON)
	case "logout":
		n, err := a.db.ListUser(ctx, u.ID)
		if err != nil {
			return err
		}
		if err := a.db.DeleteUser(ctx, u.ID, ""); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Ended %d sessions of %s.\n", len(n), u.Username)
	case "set-active":
		active, err := parseBool(pos[1])
		if err != nil {
			return err
		}
		u.IsActive = active
		if err := a.db.UpdateUser(ctx, u); err != nil {
			return err
		}
		if !active {
			if err := a.db.DeleteUser(ctx, u.ID, ""); err != nil {
				return err
			}
		}
		fmt.Fprintf(e.stdout, "User %s is now %s.\n", u.Username, map[bool]string{true: "active", false: "inactive (sessions ended)"}[active])
	case "add-group", "remove-group":
		g, err := a.findGroup(ctx, pos[1])
		if err != nil {
			return err
		}
		if sub == "add-group" {
			err = a.db.AddUserToGroup(ctx, u.ID, g.ID)
		} else {
			err = a.db.RemoveUserFromGroup(ctx, u.ID, g.ID)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s: user %s, group %s.\n", sub, u.Username, g.Name)
	case "grant", "revoke":
		p, err := a.findPerm(ctx, pos[1])
		if err != nil {
			return err
		}
		if sub == "grant" {
			err = a.db.GrantUserPermission(ctx, u.ID, p.ID)
		} else {
			err = a.db.RevokeUserPermission(ctx, u.ID, p.ID)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s: user %s, permission %s.\n", sub, u.Username, p)
	}
	return nil
}

func listUsers(ctx context.Context, e *env, a *admin, asJSON bool) error {
	var all []*userJSON
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	if !asJSON {
		fmt.Fprintln(tw, "ID\tUSERNAME\tEMAIL\tACTIVE\tSTAFF\tSUPERUSER\tLAST LOGIN")
	}
	var after int64
	for {
		page, err := a.db.ListUsers(ctx, after, 500)
		if err != nil {
			return err
		}
		for _, u := range page {
			after = u.ID
			if asJSON {
				j, err := a.describe(ctx, u)
				if err != nil {
					return err
				}
				all = append(all, j)
				continue
			}
			last := "never"
			if !u.LastLogin.IsZero() {
				last = u.LastLogin.Format(time.RFC3339)
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%v\t%v\t%v\t%s\n", u.ID, u.Username, u.Email, u.IsActive, u.IsStaff, u.IsSuperuser, last)
		}
		if len(page) < 500 {
			break
		}
	}
	if asJSON {
		if all == nil {
			all = []*userJSON{}
		}
		return printJSON(e, all)
	}
	return tw.Flush()
}
