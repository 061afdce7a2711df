// Package authctx carries the request's authentication state in its context,
// shared by the root package's middleware and the HTML and API adapters.
package authctx

import (
	"context"
	"sync"

	"github.com/gatehouse-auth/gatehouse/session"
	"github.com/gatehouse-auth/gatehouse/user"
)

// State is who is signed in on this request. A nil *State, or one with a nil
// User, is an anonymous visitor.
type State struct {
	User    *user.User
	Session *session.Session

	load  func(context.Context, *user.User) (user.Perms, error)
	once  sync.Once
	perms user.Perms
	err   error
}

// NewState returns the state of a signed-in request; load computes the user's
// effective permissions at most once, on first use.
func NewState(u *user.User, s *session.Session, load func(context.Context, *user.User) (user.Perms, error)) *State {
	return &State{User: u, Session: s, load: load}
}

// Perms returns the user's effective permissions, loading them once per
// request. A load error counts as "no permissions" (fail closed) and is returned.
func (st *State) Perms(ctx context.Context) (user.Perms, error) {
	if st == nil || st.User == nil {
		return user.Perms{}, nil
	}
	st.once.Do(func() {
		if st.load != nil {
			st.perms, st.err = st.load(ctx, st.User)
		}
	})
	if st.err != nil {
		return user.Perms{}, st.err
	}
	return st.perms, nil
}

type key struct{}

// With returns ctx carrying st.
func With(ctx context.Context, st *State) context.Context {
	return context.WithValue(ctx, key{}, st)
}

// From returns the state in ctx, or nil.
func From(ctx context.Context) *State {
	st, _ := ctx.Value(key{}).(*State)
	return st
}

// User returns the signed-in user in ctx, or nil.
func User(ctx context.Context) *user.User {
	if st := From(ctx); st != nil {
		return st.User
	}
	return nil
}
