package authctx

import (
	"context"
	"errors"
	"testing"

	"github.com/gatehouse-auth/gatehouse/user"
)

// TestMemoSharesLoadsAndErrorsAreNotKept: a session's requests load
// permissions and groups once while they share a Memo; a failed load is
// reported, fails closed, and is tried again on the next request.
func TestMemoSharesLoadsAndErrorsAreNotKept(t *testing.T) {
	ctx := context.Background()
	calls, fail := 0, true
	load := Loaders{
		Perms: func(context.Context, *user.User) (user.Perms, error) {
			calls++
			if fail {
				return user.Perms{Superuser: true}, errors.New("store down")
			}
			return user.Perms{Superuser: true}, nil
		},
		Groups: func(context.Context, *user.User) ([]string, error) { return []string{"staff"}, nil },
	}
	m := new(Memo)
	u := &user.User{ID: 1, IsActive: true}
	if p, err := NewState(u, nil, load, m).Perms(ctx); err == nil || p.Superuser {
		t.Fatalf("a failed load gave %+v, %v; want no permissions and the error", p, err)
	}
	fail = false
	for range 3 {
		if p, err := NewState(u, nil, load, m).Perms(ctx); err != nil || !p.Superuser {
			t.Fatalf("Perms = %+v, %v", p, err)
		}
	}
	if calls != 2 {
		t.Fatalf("the loader ran %d times, want 2 (the failure, then once for the memo)", calls)
	}
	if g, err := NewState(u, nil, load, m).Groups(ctx); err != nil || len(g) != 1 || g[0] != "staff" {
		t.Fatalf("Groups = %v, %v", g, err)
	}
	var anon *State
	if p, err := anon.Perms(ctx); err != nil || p.Superuser {
		t.Fatalf("anonymous Perms = %+v, %v", p, err)
	}
}
