package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/gatehouse-auth/gatehouse/user"
)

// cmdGroup dispatches "gatehouse group SUBCOMMAND".
func cmdGroup(ctx context.Context, e *env, args []string) error {
	const use = "usage: gatehouse group list | create NAME | delete NAME | grant NAME APP.CODENAME | revoke NAME APP.CODENAME"
	want := map[string]int{"list": 0, "create": 1, "delete": 1, "grant": 2, "revoke": 2}
	if len(args) == 0 || want[args[0]] != len(args)-1 {
		return errors.New(use)
	}
	if _, ok := want[args[0]]; !ok {
		return errors.New(use)
	}
	a, err := openAdmin(ctx, e)
	if err != nil {
		return err
	}
	defer a.Close()
	switch args[0] {
	case "list":
		groups, err := a.db.ListGroups(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tPERMISSIONS")
		for _, g := range groups {
			perms, err := a.db.GroupPermissions(ctx, g.ID)
			if err != nil {
				return err
			}
			codes := make([]string, len(perms))
			for i, p := range perms {
				codes[i] = p.String()
			}
			fmt.Fprintf(tw, "%s\t%s\n", g.Name, strings.Join(codes, " "))
		}
		return tw.Flush()
	case "create":
		name := strings.TrimSpace(args[1])
		if name == "" || len(name) > 150 {
			return errors.New("group name must be 1–150 characters")
		}
		if err := a.db.CreateGroup(ctx, &user.Group{Name: name}); err != nil {
			if errors.Is(err, user.ErrDuplicate) {
				return fmt.Errorf("group %q already exists", name)
			}
			return err
		}
		fmt.Fprintf(e.stdout, "Group %s created.\n", name)
		return nil
	}
	g, err := a.findGroup(ctx, args[1])
	if err != nil {
		return err
	}
	if args[0] == "delete" {
		if err := a.db.DeleteGroup(ctx, g.ID); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Group %s deleted.\n", g.Name)
		return nil
	}
	p, err := a.findPerm(ctx, args[2])
	if err != nil {
		return err
	}
	if args[0] == "grant" {
		err = a.db.GrantGroupPermission(ctx, g.ID, p.ID)
	} else {
		err = a.db.RevokeGroupPermission(ctx, g.ID, p.ID)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s: group %s, permission %s.\n", args[0], g.Name, p)
	return nil
}

// cmdPerm dispatches "gatehouse perm SUBCOMMAND".
func cmdPerm(ctx context.Context, e *env, args []string) error {
	const use = "usage: gatehouse perm list [--json] | create APP.CODENAME [NAME]"
	if len(args) == 0 {
		return errors.New(use)
	}
	a, err := openAdmin(ctx, e)
	if err != nil {
		return err
	}
	defer a.Close()
	switch {
	case args[0] == "list" && len(args) <= 2:
		perms, err := a.db.ListPermissions(ctx)
		if err != nil {
			return err
		}
		if len(args) == 2 && args[1] == "--json" {
			if perms == nil {
				perms = []*user.Permission{}
			}
			return printJSON(e, perms)
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "PERMISSION\tNAME")
		for _, p := range perms {
			fmt.Fprintf(tw, "%s\t%s\n", p, p.Name)
		}
		return tw.Flush()
	case args[0] == "create" && (len(args) == 2 || len(args) == 3):
		app, code, ok := strings.Cut(args[1], ".")
		if !ok || !validIdent(app) || !validIdent(code) {
			return fmt.Errorf("permission %q: want app_label.codename (letters, digits, _)", args[1])
		}
		name := code
		if len(args) == 3 {
			name = args[2]
		}
		p := &user.Permission{AppLabel: app, Codename: code, Name: name}
		if err := a.db.CreatePermission(ctx, p); err != nil {
			if errors.Is(err, user.ErrDuplicate) {
				return fmt.Errorf("permission %s already exists", args[1])
			}
			return err
		}
		fmt.Fprintf(e.stdout, "Permission %s created.\n", p)
		return nil
	}
	return errors.New(use)
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

func printJSON(e *env, v any) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
