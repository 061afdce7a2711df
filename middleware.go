package gatehouse

import (
	"context"
	"net/http"
	"slices"
	"sort"

	"github.com/gatehouse-auth/gatehouse/internal/authctx"
	"github.com/gatehouse-auth/gatehouse/session"
	"github.com/gatehouse-auth/gatehouse/user"
	"github.com/gatehouse-auth/gatehouse/web"
)

// Middleware loads the signed-in user of each request into its context (see
// UserFrom). Requests without a session cookie cost nothing. When the store
// cannot answer, the request fails with 503 rather than proceeding with a
// guess (fail closed). Users made inactive are treated as anonymous on their
// very next request.
func (g *Gatehouse) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if authctx.From(r.Context()) != nil {
			next.ServeHTTP(w, r) // already loaded by an outer Middleware
			return
		}
		st, err := g.load(r)
		if err != nil {
			g.cfg.Logger.Error("gatehouse: load session", "err", err)
			w.Header().Set("Retry-After", "5")
			http.Error(w, http.StatusText(http.StatusServiceUnavailable), http.StatusServiceUnavailable)
			return
		}
		next.ServeHTTP(w, r.WithContext(authctx.With(r.Context(), st)))
	})
}

// SessionUserStore is an optional Store method: the session and its user in
// one round trip. *sqlstore.DB implements it; Middleware uses it when present.
type SessionUserStore interface {
	// SessionUser returns the session stored under id and its user; ok is
	// false when there is no such session.
	SessionUser(ctx context.Context, id string) (s session.Session, u *user.User, ok bool, err error)
}

func (g *Gatehouse) load(r *http.Request) (*authctx.State, error) {
	tok := g.sessions.Token(r)
	if tok == "" {
		return &authctx.State{}, nil
	}
	ctx := r.Context()
	if gs, ok := g.cfg.Store.(AuthGenerationStore); ok && !g.cfg.ReadAuthEveryRequest {
		return g.loadCached(ctx, gs, tok)
	}
	s, u, err := g.findSessionUser(ctx, tok)
	if err != nil || s == nil || u == nil {
		return &authctx.State{}, err
	}
	if alive, err := g.sessions.Check(ctx, s); err != nil || !alive {
		return &authctx.State{}, err
	}
	if !u.IsActive {
		return &authctx.State{}, nil
	}
	return authctx.NewState(u, s, g.loaders, nil), nil
}

// findSessionUser reads the session of tok and its user, without expiry
// checks; nils when either does not exist.
func (g *Gatehouse) findSessionUser(ctx context.Context, tok string) (*session.Session, *user.User, error) {
	id := session.HashToken(tok)
	if su, ok := g.cfg.Store.(SessionUserStore); ok {
		s, u, found, err := su.SessionUser(ctx, id)
		if err != nil || !found {
			return nil, nil, err
		}
		return &s, u, nil
	}
	s, found, err := g.cfg.Store.Find(ctx, id)
	if err != nil || !found {
		return nil, nil, err
	}
	u, err := g.cfg.Store.User(ctx, s.UserID)
	if isNotFound(err) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	return &s, u, nil
}

func (g *Gatehouse) perms(ctx context.Context, u *user.User) (user.Perms, error) {
	return user.EffectivePerms(ctx, g.cfg.Store, u)
}

func (g *Gatehouse) groups(ctx context.Context, u *user.User) ([]string, error) {
	gs, err := g.cfg.Store.UserGroups(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(gs))
	for i, gr := range gs {
		names[i] = gr.Name
	}
	sort.Strings(names)
	return names, nil
}

// RequireLogin lets signed-in users through and sends anonymous visitors to
// the login page with ?next= set, like Django's login_required. JSON callers
// (see AnswerJSON) get 401 with a JSON body instead of the redirect.
func (g *Gatehouse) RequireLogin(next http.Handler) http.Handler {
	return g.require(nil)(next)
}

// RequirePermission lets through users holding every listed permission
// ("app_label.codename"); signed-in users without them get the 403 page and
// anonymous visitors the login page, like Django's permission_required with
// AccessMixin's split. JSON callers get 403 and 401 with a JSON body.
func (g *Gatehouse) RequirePermission(perms ...string) func(http.Handler) http.Handler {
	return g.require(func(r *http.Request, u *user.User) bool {
		for _, p := range perms {
			if !g.HasPerm(r.Context(), p, nil) {
				return false
			}
		}
		return true
	})
}

// RequireGroup lets through members of at least one of the named groups (and
// active superusers).
func (g *Gatehouse) RequireGroup(names ...string) func(http.Handler) http.Handler {
	return g.require(func(r *http.Request, u *user.User) bool {
		if u.IsSuperuser {
			return true
		}
		groups, err := authctx.From(r.Context()).Groups(r.Context())
		if err != nil {
			g.cfg.Logger.Error("gatehouse: groups", "err", err)
			return false
		}
		for _, gr := range groups {
			if slices.Contains(names, gr) {
				return true
			}
		}
		return false
	})
}

// RequireStaff lets through users with is_staff.
func (g *Gatehouse) RequireStaff(next http.Handler) http.Handler {
	return g.require(func(_ *http.Request, u *user.User) bool { return u.IsStaff })(next)
}

// RequireSuperuser lets through users with is_superuser.
func (g *Gatehouse) RequireSuperuser(next http.Handler) http.Handler {
	return g.require(func(_ *http.Request, u *user.User) bool { return u.IsSuperuser })(next)
}

// RequireFunc lets through signed-in users for whom test is true, like
// Django's user_passes_test.
func (g *Gatehouse) RequireFunc(test func(r *http.Request, u *user.User) bool) func(http.Handler) http.Handler {
	return g.require(test)
}

// require is every guard: the user loaded (a no-op under Protect), then the
// pages' Guard (login redirect or 401, 403 page or JSON).
func (g *Gatehouse) require(test func(*http.Request, *user.User) bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return g.Middleware(g.web.Guard(test, next))
	}
}

// AnswerJSON makes the guards inside h answer JSON callers' refusals (401
// {"status":401,"errors":[{"code":"not_authenticated",…}]} and 403
// "permission_denied") instead of the login redirect and the 403 page,
// whatever the request's Accept header. Without it a request whose Accept
// names application/json and not text/html gets JSON:
//
//	mux.Handle("/api/", gatehouse.AnswerJSON(gh.RequireLogin(api)))
func AnswerJSON(h http.Handler) http.Handler { return web.AnswerJSON(h) }
