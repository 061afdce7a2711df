package main

import (
	"context"
	"fmt"

	"github.com/gatehouse-auth/gatehouse/user"
)

// userCommands are the subcommands of "gatehouse user".
func userCommands() []command {
	return []command{
		{name: "list", args: "[--json]", doc: "list every user", run: userList},
		{name: "show", args: "USER [--json]", doc: "show a user's fields, groups, effective permissions and hash algorithm", run: userShow},
		{name: "create", args: "USER [--email E] [--staff] [--superuser] [--password-stdin | --no-password]", doc: "create an active user; asks for the password twice unless --password-stdin or --no-password", run: userCreate},
		{name: "set-active", args: "USER true|false", doc: "activate or deactivate a user (false also ends every session of the user)", run: userSetActive},
		{name: "logout", args: "USER", doc: "end every session of a user", run: userLogout},
		{name: "add-group", args: "USER GROUP", doc: "add a user to a group", run: userGroup(true)},
		{name: "remove-group", args: "USER GROUP", doc: "remove a user from a group", run: userGroup(false)},
		{name: "grant", args: "USER APP.CODENAME [--create]", doc: "give a user a permission (--create creates a missing one)", run: userGrant},
		{name: "revoke", args: "USER APP.CODENAME", doc: "take a permission from a user", run: userRevoke},
		{name: "mfa", args: "USER [--json]", doc: "list a user's two-factor authenticators: type, created, last used, recovery codes left (never a secret)", run: userMFA},
		{name: "mfa-reset", args: "USER [--yes]", doc: "remove every two-factor authenticator of a user and end their sessions (asks first unless --yes)", run: userMFAReset},
		{name: "bulk-create", args: "--count N --prefix P --password PW [--sessions M]", doc: "seed users P0 … P{N-1} sharing one password (benchmarks)", run: cmdBulkCreate},
	}
}

func userList(ctx context.Context, f *cmdFlags, args []string) error {
	asJSON := f.Bool("json", false, "print JSON")
	if _, err := f.parse(args, 0, 0); err != nil {
		return err
	}
	return withAdmin(ctx, f.e, func(a *admin) error { return listUsers(ctx, f.e, a, *asJSON) })
}

func userShow(ctx context.Context, f *cmdFlags, args []string) error {
	asJSON := f.Bool("json", false, "print JSON")
	pos, err := f.parse(args, 1, 1)
	if err != nil {
		return err
	}
	return withUser(ctx, f.e, pos[0], func(a *admin, u *user.User) error {
		j, err := a.describe(ctx, u)
		if err != nil {
			return err
		}
		return printUser(f.e, j, *asJSON)
	})
}

func userSetActive(ctx context.Context, f *cmdFlags, args []string) error {
	pos, err := f.parse(args, 2, 2)
	if err != nil {
		return err
	}
	active, err := parseBool(pos[1])
	if err != nil {
		return err
	}
	return withUser(ctx, f.e, pos[0], func(a *admin, u *user.User) error {
		u.IsActive = active
		if err := a.db.UpdateUser(ctx, u); err != nil {
			return err
		}
		if !active {
			if err := a.db.DeleteUser(ctx, u.ID, ""); err != nil {
				return err
			}
		}
		fmt.Fprintf(f.e.stdout, "User %s is now %s.\n", u.Username, map[bool]string{true: "active", false: "inactive (sessions ended)"}[active])
		return nil
	})
}

func userLogout(ctx context.Context, f *cmdFlags, args []string) error {
	pos, err := f.parse(args, 1, 1)
	if err != nil {
		return err
	}
	return withUser(ctx, f.e, pos[0], func(a *admin, u *user.User) error {
		n, err := a.db.ListUser(ctx, u.ID)
		if err != nil {
			return err
		}
		if err := a.db.DeleteUser(ctx, u.ID, ""); err != nil {
			return err
		}
		fmt.Fprintf(f.e.stdout, "Ended %d sessions of %s.\n", len(n), u.Username)
		return nil
	})
}

// userGroup returns add-group (add) or remove-group.
func userGroup(add bool) func(context.Context, *cmdFlags, []string) error {
	return func(ctx context.Context, f *cmdFlags, args []string) error {
		pos, err := f.parse(args, 2, 2)
		if err != nil {
			return err
		}
		return withUser(ctx, f.e, pos[0], func(a *admin, u *user.User) error {
			g, err := a.findGroup(ctx, pos[1])
			if err != nil {
				return err
			}
			if add {
				err = a.db.AddUserToGroup(ctx, u.ID, g.ID)
			} else {
				err = a.db.RemoveUserFromGroup(ctx, u.ID, g.ID)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(f.e.stdout, "%s: user %s, group %s.\n", map[bool]string{true: "add-group", false: "remove-group"}[add], u.Username, g.Name)
			return nil
		})
	}
}

func userGrant(ctx context.Context, f *cmdFlags, args []string) error {
	create := f.Bool("create", false, "create the permission when it does not exist (its name is the codename)")
	pos, err := f.parse(args, 2, 2)
	if err != nil {
		return err
	}
	return withUser(ctx, f.e, pos[0], func(a *admin, u *user.User) error {
		p, err := a.permToGrant(ctx, f.e, pos[1], *create)
		if err != nil {
			return err
		}
		if err := a.db.GrantUserPermission(ctx, u.ID, p.ID); err != nil {
			return err
		}
		fmt.Fprintf(f.e.stdout, "grant: user %s, permission %s.\n", u.Username, p)
		return nil
	})
}

func userRevoke(ctx context.Context, f *cmdFlags, args []string) error {
	pos, err := f.parse(args, 2, 2)
	if err != nil {
		return err
	}
	return withUser(ctx, f.e, pos[0], func(a *admin, u *user.User) error {
		p, err := a.findPerm(ctx, pos[1])
		if err != nil {
			return err
		}
		if err := a.db.RevokeUserPermission(ctx, u.ID, p.ID); err != nil {
			return err
		}
		fmt.Fprintf(f.e.stdout, "revoke: user %s, permission %s.\n", u.Username, p)
		return nil
	})
}
