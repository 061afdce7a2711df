package main

import (
	"context"

	"github.com/gatehouse-auth/gatehouse/user"
)

// withAdmin opens the database (openAdmin) and runs fn.
func withAdmin(ctx context.Context, e *env, fn func(a *admin) error) error {
	a, err := openAdmin(ctx, e)
	if err != nil {
		return err
	}
	defer a.Close()
	return fn(a)
}

// withUser opens the database, finds the user named name and runs fn.
func withUser(ctx context.Context, e *env, name string, fn func(a *admin, u *user.User) error) error {
	return withAdmin(ctx, e, func(a *admin) error {
		u, err := a.findUser(ctx, name)
		if err != nil {
			return err
		}
		return fn(a, u)
	})
}

// withGroup opens the database, finds the group named name and runs fn.
func withGroup(ctx context.Context, e *env, name string, fn func(a *admin, g *user.Group) error) error {
	return withAdmin(ctx, e, func(a *admin) error {
		g, err := a.findGroup(ctx, name)
		if err != nil {
			return err
		}
		return fn(a, g)
	})
}
