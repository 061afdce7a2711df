package user

import (
	"context"
	"errors"
)

// ErrPermissionDenied, returned by a Backend, stops the permission check with a
// "no", like Django's PermissionDenied raised from a backend.
var ErrPermissionDenied = errors.New("user: permission denied")

// Backend answers permission questions, optionally about one object — the
// AUTHENTICATION_BACKENDS chain of Django. Gatehouse's own model backend is
// ModelBackend; an app appends its own for per-object checks.
type Backend interface {
	// HasPerm reports whether u holds perm ("app_label.codename"), for obj when
	// obj is not nil. Returning ErrPermissionDenied ends the chain with "no".
	HasPerm(ctx context.Context, u *User, perms Perms, perm string, obj any) (bool, error)
}

// BackendFunc adapts a function to Backend.
type BackendFunc func(ctx context.Context, u *User, perms Perms, perm string, obj any) (bool, error)

// HasPerm calls f.
func (f BackendFunc) HasPerm(ctx context.Context, u *User, p Perms, perm string, obj any) (bool, error) {
	return f(ctx, u, p, perm, obj)
}

// ModelBackend grants model-level permissions from Perms, and, like Django's
// ModelBackend, answers "no" for every object-level question.
type ModelBackend struct{}

var _ Backend = ModelBackend{}

// HasPerm implements Backend.
func (ModelBackend) HasPerm(_ context.Context, u *User, p Perms, perm string, obj any) (bool, error) {
	if obj != nil || u == nil || !u.IsActive {
		return false, nil
	}
	return p.Has(perm), nil
}

// Backends is a chain: the first backend that says yes grants; one that returns
// ErrPermissionDenied refuses at once; an active superuser always passes.
type Backends []Backend

// HasPerm runs the chain.
func (bs Backends) HasPerm(ctx context.Context, u *User, p Perms, perm string, obj any) (bool, error) {
	if u == nil || !u.IsActive {
		return false, nil
	}
	if u.IsSuperuser {
		return true, nil
	}
	for _, b := range bs {
		ok, err := b.HasPerm(ctx, u, p, perm, obj)
		if errors.Is(err, ErrPermissionDenied) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		if ok {
			return true, nil
		}
	}
	return false, nil
}
