package account

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/gatehouse-auth/gatehouse/flow"
	"github.com/gatehouse-auth/gatehouse/user"
)

// Login is a login in progress: the user proved who they are (a password,
// a confirmed signup, a mailed key) and may still have stages to pass, such
// as a verified email address, before a session starts. No session exists
// until CompleteLogin. Between requests a Login lives in a flow record
// (SaveLogin), named by a cookie, for Config.LoginTimeout.
type Login struct {
	UserID int64 `json:"u"`
	// Remember and Next are carried through every stage to the session.
	Remember bool   `json:"r,omitempty"`
	Next     string `json:"n,omitempty"`
	// Method is how the login began: "password", "signup",
	// "email_confirmation" or "password_reset".
	Method string `json:"m"`
	// Email is the address the email stage is about: the one a signup
	// typed, else the user's primary address.
	Email string `json:"e,omitempty"`
	// StartedAt is when the first factor was proved.
	StartedAt time.Time `json:"t"`
	// Skipped lists the optional stages the user chose to skip for now.
	Skipped []string `json:"s,omitempty"`
	// Passed lists the stages of Service.Stages this login passed (a
	// second factor …): a plug-in stage records it with Pass and reads it
	// with HasPassed.
	Passed []string `json:"ps,omitempty"`
	// Challenge names the current challenge of a plug-in stage (the MFA
	// stage counts wrong codes against it); "" when none.
	Challenge string `json:"ch,omitempty"`

	// phantom marks the stand-in a signup with a taken address gets when
	// enumeration prevention is on: it passes for a fresh signup and never
	// completes.
	Phantom bool `json:"p,omitempty"`
	// Code is the verification code mailed for the email stage (code mode).
	Code *pendingCode `json:"c,omitempty"`
	// MailedAt is when the email stage last mailed the address.
	MailedAt time.Time `json:"ma,omitempty"`

	user *user.User
}

// User returns the user logging in (nil for the stand-in of a signup with
// a taken address).
func (l *Login) User() *user.User { return l.user }

// Pass records that l passed stage name.
func (l *Login) Pass(name string) {
	if !slices.Contains(l.Passed, name) {
		l.Passed = append(l.Passed, name)
	}
}

// HasPassed reports whether l passed stage name (Pass).
func (l *Login) HasPassed(name string) bool { return slices.Contains(l.Passed, name) }

// Stage is a step a login must pass before its session starts (allauth's
// login stages): a verified email, later a second factor. Pending reports
// whether l still has to pass it; the adapters send the browser to the
// stage's page (HTML) or report its Name (JSON).
type Stage interface {
	Name() string
	Pending(ctx context.Context, l *Login) (bool, error)
}

// Stage names.
const (
	StageVerifyEmail = "verify_email"
)

// stages returns the built-in stages followed by Service.Stages.
func (s *Service) stages() []Stage {
	return append([]Stage{emailStage{s}}, s.Stages...)
}

// NextStage returns the first stage l has not passed, or nil when the login
// can complete.
func (s *Service) NextStage(ctx context.Context, l *Login) (Stage, error) {
	for _, st := range s.stages() {
		pending, err := st.Pending(ctx, l)
		if err != nil {
			return nil, fmt.Errorf("account: stage %s: %w", st.Name(), err)
		}
		if pending {
			return st, nil
		}
	}
	return nil, nil
}

// StartLogin starts a login of u whose first factor a flow built on the
// account's proved (a passkey): method names it. The caller passes the
// stages it satisfied and continues the login (NextStage, CompleteLogin).
func (s *Service) StartLogin(u *user.User, method string) *Login { return s.newLogin(u, method) }

// newLogin starts a login of u by method.
func (s *Service) newLogin(u *user.User, method string) *Login {
	return &Login{UserID: u.ID, Method: method, Email: u.Email, StartedAt: s.now().UTC(), user: u}
}

// CompleteLogin ends l's stages: when none is pending it re-reads the user
// (still active), records the login (last_login, the login event, the
// AfterLogin hook) and returns the user, for the adapter to start a
// session. A pending stage is CodeStagePending.
func (s *Service) CompleteLogin(ctx context.Context, l *Login, c Client) (*user.User, error) {
	if l.Phantom {
		return nil, &Error{Code: CodeStagePending}
	}
	if st, err := s.NextStage(ctx, l); err != nil {
		return nil, err
	} else if st != nil {
		return nil, &Error{Code: CodeStagePending, Params: map[string]any{"stage": st.Name()}}
	}
	u, err := s.Users.User(ctx, l.UserID)
	if errors.Is(err, user.ErrNotFound) || err == nil && !u.IsActive {
		return nil, &Error{Code: CodeInvalidCredentials}
	}
	if err != nil {
		return nil, fmt.Errorf("account: complete login: %w", err)
	}
	u.LastLogin = s.now().UTC().Truncate(time.Microsecond)
	if err := s.Users.SetLastLogin(ctx, u.ID, u.LastLogin); err != nil {
		return nil, fmt.Errorf("account: complete login: %w", err)
	}
	l.user = u
	s.event(ctx, "login_ok", u.ID, c, "method", l.Method)
	if s.Hooks.OnLoggedIn != nil {
		s.Hooks.OnLoggedIn(ctx, u, c)
	}
	return u, nil
}

// flowKindLogin is the flow kind of a Login between requests.
const flowKindLogin = "login"

// SaveLogin keeps l in a flow record for Config.LoginTimeout from its start
// and returns the token naming it: token itself when it already names l's
// flow, a new one when token is "".
func (s *Service) SaveLogin(ctx context.Context, token string, l *Login) (string, error) {
	return s.saveFlow(ctx, token, flowKindLogin, l, s.LoginExpires(l))
}

// LoginExpires returns when l's flow expires: Config.LoginTimeout after
// its first factor.
func (s *Service) LoginExpires(l *Login) time.Time { return l.StartedAt.Add(s.loginTimeout()) }

// LoadLogin returns the login in progress named by token, with its user;
// CodeLoginExpired when there is none (unknown, expired or finished).
func (s *Service) LoadLogin(ctx context.Context, token string) (*Login, error) {
	var l Login
	if err := s.loadFlow(ctx, token, flowKindLogin, &l); err != nil {
		return nil, err
	}
	if !l.Phantom {
		u, err := s.Users.User(ctx, l.UserID)
		if errors.Is(err, user.ErrNotFound) {
			return nil, &Error{Code: CodeLoginExpired}
		}
		if err != nil {
			return nil, fmt.Errorf("account: load login: %w", err)
		}
		l.user = u
	}
	return &l, nil
}

// FinishLogin takes the login named by token (single use: of concurrent
// calls one gets it) and completes it (CompleteLogin). A stage still
// pending leaves the flow in place.
func (s *Service) FinishLogin(ctx context.Context, token string, c Client) (*user.User, *Login, error) {
	l, err := s.LoadLogin(ctx, token)
	if err != nil {
		return nil, nil, err
	}
	if st, err := s.NextStage(ctx, l); err != nil {
		return nil, nil, err
	} else if st != nil || l.Phantom {
		return nil, l, &Error{Code: CodeStagePending}
	}
	if _, ok, err := s.Flows.TakeFlow(ctx, flow.HashToken(token), s.now()); err != nil {
		return nil, nil, fmt.Errorf("account: finish login: %w", err)
	} else if !ok {
		return nil, nil, &Error{Code: CodeLoginExpired}
	}
	u, err := s.CompleteLogin(ctx, l, c)
	return u, l, err
}

// EndFlow forgets the flow named by token (a cancelled login, a finished
// reset); an unknown token is not an error.
func (s *Service) EndFlow(ctx context.Context, token string) error {
	if !flow.ValidToken(token) {
		return nil
	}
	_, _, err := s.Flows.TakeFlow(ctx, flow.HashToken(token), s.now())
	return err
}

// saveFlow stores v as the flow of kind named by token (a new token when
// token is "" or not one of ours).
func (s *Service) saveFlow(ctx context.Context, token, kind string, v any, expires time.Time) (string, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("account: save %s: %w", kind, err)
	}
	if !flow.ValidToken(token) {
		token, _ = flow.NewToken()
	}
	f := flow.Flow{ID: flow.HashToken(token), Kind: kind, Data: data, CreatedAt: s.now().UTC(), ExpiresAt: expires.UTC()}
	if err := s.Flows.SaveFlow(ctx, f); err != nil {
		return "", fmt.Errorf("account: save %s: %w", kind, err)
	}
	return token, nil
}

// loadFlow decodes the live flow of kind named by token into v;
// CodeLoginExpired when there is none.
func (s *Service) loadFlow(ctx context.Context, token, kind string, v any) error {
	if !flow.ValidToken(token) {
		return &Error{Code: CodeLoginExpired}
	}
	f, ok, err := s.Flows.FindFlow(ctx, flow.HashToken(token), s.now())
	if err != nil {
		return fmt.Errorf("account: load %s: %w", kind, err)
	}
	if !ok || f.Kind != kind {
		return &Error{Code: CodeLoginExpired}
	}
	if err := json.Unmarshal(f.Data, v); err != nil {
		return fmt.Errorf("account: load %s: %w", kind, err)
	}
	return nil
}
