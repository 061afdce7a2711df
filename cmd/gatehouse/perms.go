package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/gatehouse-auth/gatehouse/user"
)

// permCommands are the subcommands of "gatehouse perm".
func permCommands() []command {
	return []command{
		{name: "list", args: "[--json]", doc: "list every permission", run: permList},
		{name: "create", args: "APP.CODENAME [NAME]", doc: "create a permission (NAME defaults to the codename)", run: permCreate},
	}
}

// permJSON is a permission in `perm list --json`.
type permJSON struct {
	ID       int64  `json:"id"`
	AppLabel string `json:"app_label"`
	Codename string `json:"codename"`
	Name     string `json:"name"`
}

func permList(ctx context.Context, f *cmdFlags, args []string) error {
	asJSON := f.Bool("json", false, "print JSON")
	if _, err := f.parse(args, 0, 0); err != nil {
		return err
	}
	return withAdmin(ctx, f.e, func(a *admin) error {
		perms, err := a.db.ListPermissions(ctx)
		if err != nil {
			return err
		}
		if *asJSON {
			all := make([]permJSON, len(perms))
			for i, p := range perms {
				all[i] = permJSON{ID: p.ID, AppLabel: p.AppLabel, Codename: p.Codename, Name: p.Name}
			}
			return printJSON(f.e, all)
		}
		tw := tabwriter.NewWriter(f.e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "PERMISSION\tNAME")
		for _, p := range perms {
			fmt.Fprintf(tw, "%s\t%s\n", p, p.Name)
		}
		return tw.Flush()
	})
}

func permCreate(ctx context.Context, f *cmdFlags, args []string) error {
	pos, err := f.parse(args, 1, 2)
	if err != nil {
		return err
	}
	name := ""
	if len(pos) == 2 {
		name = pos[1]
	}
	return withAdmin(ctx, f.e, func(a *admin) error {
		_, err := a.createPerm(ctx, f.e, pos[0], name)
		return err
	})
}

// createPerm creates the permission code ("app_label.codename") named name
// (the codename when empty) and says so.
func (a *admin) createPerm(ctx context.Context, e *env, code, name string) (*user.Permission, error) {
	app, codename, ok := strings.Cut(code, ".")
	if !ok || !validIdent(app) || !validIdent(codename) {
		return nil, fmt.Errorf("permission %q: want app_label.codename (letters, digits, _)", code)
	}
	if name == "" {
		name = codename
	}
	p := &user.Permission{AppLabel: app, Codename: codename, Name: name}
	if err := a.db.CreatePermission(ctx, p); err != nil {
		if errors.Is(err, user.ErrDuplicate) {
			return nil, fmt.Errorf("permission %s already exists", code)
		}
		return nil, err
	}
	fmt.Fprintf(e.stdout, "Permission %s created.\n", p)
	return p, nil
}

// findPerm resolves "app_label.codename".
func (a *admin) findPerm(ctx context.Context, code string) (*user.Permission, error) {
	p, err := a.lookupPerm(ctx, code)
	if errors.Is(err, user.ErrNotFound) {
		return nil, fmt.Errorf("permission %q does not exist: create it with `gatehouse perm create %s \"Name\"`", code, code)
	}
	return p, err
}

// permToGrant resolves code for a grant, creating a missing permission when
// create is set.
func (a *admin) permToGrant(ctx context.Context, e *env, code string, create bool) (*user.Permission, error) {
	p, err := a.lookupPerm(ctx, code)
	switch {
	case errors.Is(err, user.ErrNotFound) && create:
		return a.createPerm(ctx, e, code, "")
	case errors.Is(err, user.ErrNotFound):
		return nil, fmt.Errorf("permission %q does not exist: create it with `gatehouse perm create %s \"Name\"`, or grant with --create", code, code)
	}
	return p, err
}

// lookupPerm finds "app_label.codename"; user.ErrNotFound when it does not exist.
func (a *admin) lookupPerm(ctx context.Context, code string) (*user.Permission, error) {
	app, codename, ok := strings.Cut(code, ".")
	if !ok || app == "" || codename == "" {
		return nil, fmt.Errorf("permission %q: want app_label.codename", code)
	}
	return a.db.PermissionByCode(ctx, app, codename)
}

func validIdent(s string) bool {
	if s == "" || len(s) > 100 {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}
