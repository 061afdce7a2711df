package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/gatehouse-auth/gatehouse/user"
)

// userJSON is a user in `user show --json` and `user list --json`.
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
		Groups: []string{}, Permissions: codes, PasswordAlgorithm: a.acc.Passwords.Algorithm(u.Password),
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
		return printJSON(e, j)
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

// listUsers prints every user, a table or (asJSON) an array of userJSON.
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
