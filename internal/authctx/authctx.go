// Package authctx carries the request's authentication state in its context,
// shared by the root package's middleware and the HTML and API adapters.
package authctx

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/gatehouse-auth/gatehouse/session"
	"github.com/gatehouse-auth/gatehouse/user"
)

// Loaders fetch what a signed-in request may need beyond the user.
type Loaders struct {
	Perms  func(context.Context, *user.User) (user.Perms, error)
	Groups func(context.Context, *user.User) ([]string, error)
}

// Memo keeps a user's permissions and group names once loaded, so that
// requests of the same session share them while the data is current (the
// root package drops a Memo with its cache entry whenever the store's auth
// generation moves).
type Memo struct {
	perms  atomic.Pointer[user.Perms]
	groups atomic.Pointer[[]string]
}

// State is who is signed in on this request. A nil *State, or one with a nil
// User, is an anonymous visitor.
type State struct {
	User    *user.User
	Session *session.Session

	load Loaders
	memo *Memo

	permsOnce  sync.Once
	perms      user.Perms
	permsErr   error
	groupsOnce sync.Once
	groups     []string
	groupsErr  error
}

// NewState returns the state of a signed-in request. The loaders run at most
// once per request, on first use, and not at all when memo already holds
// their result; memo may be nil.
func NewState(u *user.User, s *session.Session, load Loaders, memo *Memo) *State {
	return &State{User: u, Session: s, load: load, memo: memo}
}

// Perms returns the user's effective permissions. A load error counts as
// "no permissions" (fail closed) and is returned.
func (st *State) Perms(ctx context.Context) (user.Perms, error) {
	if st == nil || st.User == nil {
		return user.Perms{}, nil
	}
	st.permsOnce.Do(func() {
		if st.memo != nil {
			if p := st.memo.perms.Load(); p != nil {
				st.perms = *p
				return
			}
		}
		if st.load.Perms == nil {
			return
		}
		st.perms, st.permsErr = st.load.Perms(ctx, st.User)
		if st.permsErr == nil && st.memo != nil {
			p := st.perms
			st.memo.perms.Store(&p)
		}
	})
	if st.permsErr != nil {
		return user.Perms{}, st.permsErr
	}
	return st.perms, nil
}

// Groups returns the names of the user's groups, sorted.
func (st *State) Groups(ctx context.Context) ([]string, error) {
	if st == nil || st.User == nil {
		return nil, nil
	}
	st.groupsOnce.Do(func() {
		if st.memo != nil {
			if g := st.memo.groups.Load(); g != nil {
				st.groups = *g
				return
			}
		}
		if st.load.Groups == nil {
			return
		}
		st.groups, st.groupsErr = st.load.Groups(ctx, st.User)
		if st.groupsErr == nil && st.memo != nil {
			g := st.groups
			st.memo.groups.Store(&g)
		}
	})
	return st.groups, st.groupsErr
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
