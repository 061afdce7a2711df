package loadgen

import (
	"context"
	"net/url"
	"sync/atomic"
)

// signupWorkload is the signup scenario: each operation is a new visitor who
// signs up with a name unique to the run and a strong random password.
type signupWorkload struct {
	noClose
	e *env
	u *url.URL // the signup page, with ?next=AuthedPath
	n atomic.Int64
}

// newSignup builds the signup scenario.
func newSignup(_ context.Context, e *env) (Workload, error) {
	u, err := e.formURL(e.cfg.SignupPath)
	if err != nil {
		return nil, err
	}
	return &signupWorkload{e: e, u: u}, nil
}

// NewWorker returns a virtual user.
func (w *signupWorkload) NewWorker(context.Context, int) (Worker, error) {
	return &signupWorker{w: w, b: w.e.browser()}, nil
}

// signupWorker is one virtual user of the signup scenario.
type signupWorker struct {
	w *signupWorkload
	b *Browser
}

// Do signs a new user up with fresh cookies: GET the form, POST it, follow
// the redirect, check the page shows the user.
func (v *signupWorker) Do(ctx context.Context, _ int64) (int, error) {
	cfg := v.w.e.cfg
	v.b.ClearCookies()
	before := v.b.Requests()
	user := SignupName(cfg.Prefix, v.w.e.runID, v.w.n.Add(1))
	pw := StrongPassword()
	fill := url.Values{
		cfg.SignupUsernameField:  {user},
		cfg.SignupPassword1Field: {pw},
	}
	if cfg.SignupEmailField != "" {
		fill.Set(cfg.SignupEmailField, user+"@example.com")
	}
	if cfg.SignupPassword2Field != "" {
		fill.Set(cfg.SignupPassword2Field, pw)
	}
	p, err := submitForm(ctx, v.b, v.w.u, fill)
	if err == nil {
		err = landing(ctx, v.b, p, cfg.expect(user))
	}
	return v.b.Requests() - before, err
}

// URL returns the first URL an operation requests, for the report.
func (w *signupWorkload) URL() string { return w.u.String() }
