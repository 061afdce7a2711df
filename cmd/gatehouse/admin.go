package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/gatehouse-auth/gatehouse"
	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/sqlstore"
	"github.com/gatehouse-auth/gatehouse/user"
	"github.com/gatehouse-auth/gatehouse/web"
)

// admin is an opened database with the flows, for the administration commands.
type admin struct {
	db  *sqlstore.DB
	gh  *gatehouse.Gatehouse
	acc *account.Service
	cat *web.Localizer
}

// openAdmin opens the database, which must exist (openExisting), without
// creating the secret key file (adminSecretKey).
func openAdmin(ctx context.Context, e *env) (*admin, error) {
	log, err := newLogger(e.settings, e.stderr)
	if err != nil {
		return nil, err
	}
	key, err := adminSecretKey(e.settings)
	if err != nil {
		return nil, err
	}
	db, err := openExisting(ctx, e.settings)
	if err != nil {
		return nil, err
	}
	gh, err := buildGatehouse(ctx, e.settings, db, log, key)
	if err != nil {
		db.Close()
		return nil, err
	}
	cats, err := web.LoadCatalogs(web.Embedded())
	if err != nil {
		db.Close()
		return nil, err
	}
	return &admin{db: db, gh: gh, acc: gh.Account(), cat: cats.Localizer("en")}, nil
}

func (a *admin) Close() { a.db.Close() }

// findUser resolves a username (canonical compare).
func (a *admin) findUser(ctx context.Context, name string) (*user.User, error) {
	u, err := a.db.UserByUsername(ctx, name)
	if errors.Is(err, user.ErrNotFound) {
		return nil, fmt.Errorf("user %q does not exist", name)
	}
	return u, err
}

func (a *admin) findGroup(ctx context.Context, name string) (*user.Group, error) {
	g, err := a.db.GroupByName(ctx, name)
	if errors.Is(err, user.ErrNotFound) {
		return nil, fmt.Errorf("group %q does not exist (create it with: gatehouse group create %s)", name, name)
	}
	return g, err
}

// problems translates account errors into English lines for the terminal.
func (a *admin) problems(err error) []string {
	var out []string
	for _, pe := range account.AsErrors(err) {
		msg := web.TranslateError(a.cat, pe)
		if pe.Field != "" && pe.Field != "password1" && pe.Field != "password2" {
			msg = pe.Field + ": " + msg
		}
		out = append(out, msg)
	}
	return out
}
