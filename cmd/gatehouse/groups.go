package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/gatehouse-auth/gatehouse/user"
)

// groupCommands are the subcommands of "gatehouse group".
func groupCommands() []command {
	return []command{
		{name: "list", args: "[--json]", doc: "list every group with its permissions", run: groupList},
		{name: "create", args: "NAME", doc: "create a group", run: groupCreate},
		{name: "delete", args: "NAME", doc: "delete a group", run: groupDelete},
		{name: "grant", args: "NAME APP.CODENAME [--create]", doc: "give a group a permission (--create creates a missing one)", run: groupGrant},
		{name: "revoke", args: "NAME APP.CODENAME", doc: "take a permission from a group", run: groupRevoke},
	}
}

// groupJSON is a group in `group list --json`.
type groupJSON struct {
	ID          int64    `json:"id"`
	Name        string   `json:"name"`
	Permissions []string `json:"permissions"`
}

func groupList(ctx context.Context, f *cmdFlags, args []string) error {
	asJSON := f.Bool("json", false, "print JSON")
	if _, err := f.parse(args, 0, 0); err != nil {
		return err
	}
	return withAdmin(ctx, f.e, func(a *admin) error {
		groups, err := a.db.ListGroups(ctx)
		if err != nil {
			return err
		}
		all := []groupJSON{}
		for _, g := range groups {
			perms, err := a.db.GroupPermissions(ctx, g.ID)
			if err != nil {
				return err
			}
			j := groupJSON{ID: g.ID, Name: g.Name, Permissions: make([]string, len(perms))}
			for i, p := range perms {
				j.Permissions[i] = p.String()
			}
			all = append(all, j)
		}
		if *asJSON {
			return printJSON(f.e, all)
		}
		tw := tabwriter.NewWriter(f.e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tPERMISSIONS")
		for _, j := range all {
			fmt.Fprintf(tw, "%s\t%s\n", j.Name, strings.Join(j.Permissions, " "))
		}
		return tw.Flush()
	})
}

func groupCreate(ctx context.Context, f *cmdFlags, args []string) error {
	pos, err := f.parse(args, 1, 1)
	if err != nil {
		return err
	}
	name := strings.TrimSpace(pos[0])
	if name == "" || len(name) > 150 {
		return errors.New("group name must be 1–150 characters")
	}
	return withAdmin(ctx, f.e, func(a *admin) error {
		if err := a.db.CreateGroup(ctx, &user.Group{Name: name}); err != nil {
			if errors.Is(err, user.ErrDuplicate) {
				return fmt.Errorf("group %q already exists", name)
			}
			return err
		}
		fmt.Fprintf(f.e.stdout, "Group %s created.\n", name)
		return nil
	})
}

func groupDelete(ctx context.Context, f *cmdFlags, args []string) error {
	pos, err := f.parse(args, 1, 1)
	if err != nil {
		return err
	}
	return withGroup(ctx, f.e, pos[0], func(a *admin, g *user.Group) error {
		if err := a.db.DeleteGroup(ctx, g.ID); err != nil {
			return err
		}
		fmt.Fprintf(f.e.stdout, "Group %s deleted.\n", g.Name)
		return nil
	})
}

func groupGrant(ctx context.Context, f *cmdFlags, args []string) error {
	create := f.Bool("create", false, "create the permission when it does not exist (its name is the codename)")
	pos, err := f.parse(args, 2, 2)
	if err != nil {
		return err
	}
	return withGroup(ctx, f.e, pos[0], func(a *admin, g *user.Group) error {
		p, err := a.permToGrant(ctx, f.e, pos[1], *create)
		if err != nil {
			return err
		}
		if err := a.db.GrantGroupPermission(ctx, g.ID, p.ID); err != nil {
			return err
		}
		fmt.Fprintf(f.e.stdout, "grant: group %s, permission %s.\n", g.Name, p)
		return nil
	})
}

func groupRevoke(ctx context.Context, f *cmdFlags, args []string) error {
	pos, err := f.parse(args, 2, 2)
	if err != nil {
		return err
	}
	return withGroup(ctx, f.e, pos[0], func(a *admin, g *user.Group) error {
		p, err := a.findPerm(ctx, pos[1])
		if err != nil {
			return err
		}
		if err := a.db.RevokeGroupPermission(ctx, g.ID, p.ID); err != nil {
			return err
		}
		fmt.Fprintf(f.e.stdout, "revoke: group %s, permission %s.\n", g.Name, p)
		return nil
	})
}
