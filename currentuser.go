package gatehouse

import (
	"context"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/authctx"
	"github.com/gatehouse-auth/gatehouse/user"
)

// SignedInUser is the signed-in user as an app's templates and JSON see it:
// the account's public fields, never its password hash. Groups and HasPerm
// read the request's permissions (loaded once per request, shared with
// Gatehouse's guards).
type SignedInUser struct {
	ID          int64     `json:"id"`
	Username    string    `json:"username"`
	Email       string    `json:"email"`
	FirstName   string    `json:"first_name"`
	LastName    string    `json:"last_name"`
	IsStaff     bool      `json:"is_staff"`
	IsSuperuser bool      `json:"is_superuser"`
	DateJoined  time.Time `json:"date_joined"`
	// LastLogin is the zero time for a user who never logged in.
	LastLogin time.Time `json:"last_login"`

	state *authctx.State
}

// CurrentUser returns the signed-in user of a request context (one that
// went through Protect, Middleware or a Require guard), or nil for an
// anonymous visitor.
func CurrentUser(ctx context.Context) *SignedInUser {
	st := authctx.From(ctx)
	if st == nil || st.User == nil {
		return nil
	}
	u := st.User
	return &SignedInUser{
		ID: u.ID, Username: u.Username, Email: u.Email, FirstName: u.FirstName, LastName: u.LastName,
		IsStaff: u.IsStaff, IsSuperuser: u.IsSuperuser, DateJoined: u.DateJoined, LastLogin: u.LastLogin,
		state: st,
	}
}

// FullName returns "First Last", trimmed (as user.User.FullName).
func (u *SignedInUser) FullName() string {
	return (&user.User{FirstName: u.FirstName, LastName: u.LastName}).FullName()
}

// Groups returns the names of the user's groups, sorted.
func (u *SignedInUser) Groups(ctx context.Context) ([]string, error) {
	return u.state.Groups(ctx)
}

// HasPerm reports whether the user holds perm ("app_label.codename")
// through the model backend: directly, through a group, or as an active
// superuser. A store error counts as "no" and is returned. Per-object
// checks go through Gatehouse.HasPerm, which consults Config.Backends.
func (u *SignedInUser) HasPerm(ctx context.Context, perm string) (bool, error) {
	p, err := u.state.Perms(ctx)
	if err != nil {
		return false, err
	}
	return p.Has(perm), nil
}
