package loadgen

import (
	"context"
	"net/url"
)

// loginWorkload is the login scenario: each operation is a new visitor who
// logs in as Prefix{seq % Users}.
type loginWorkload struct {
	noClose
	e *env
	u *url.URL // the login page, with ?next=AuthedPath
}

// newLogin builds the login scenario.
func newLogin(_ context.Context, e *env) (Workload, error) {
	u, err := e.formURL(e.cfg.LoginPath)
	if err != nil {
		return nil, err
	}
	return &loginWorkload{e: e, u: u}, nil
}

// NewWorker returns a virtual user.
func (w *loginWorkload) NewWorker(context.Context, int) (Worker, error) {
	return &loginWorker{w: w, b: w.e.browser()}, nil
}

// loginWorker is one virtual user of the login scenario.
type loginWorker struct {
	w *loginWorkload
	b *Browser
}

// Do logs in with fresh cookies as user seq: GET the form, POST it, follow
// the redirect, check the page shows the user.
func (v *loginWorker) Do(ctx context.Context, seq int64) (int, error) {
	cfg := v.w.e.cfg
	v.b.ClearCookies()
	before := v.b.Requests()
	err := logIn(ctx, v.b, cfg, v.w.u, UserName(cfg.Prefix, seq, cfg.Users))
	return v.b.Requests() - before, err
}

// logIn logs b in as user through the login form at page.
func logIn(ctx context.Context, b *Browser, cfg *Config, page *url.URL, user string) error {
	p, err := submitForm(ctx, b, page, url.Values{
		cfg.LoginField:    {user},
		cfg.PasswordField: {cfg.Password},
	})
	if err != nil {
		return err
	}
	return landing(ctx, b, p, cfg.expect(user))
}

// URL returns the first URL an operation requests, for the report.
func (w *loginWorkload) URL() string { return w.u.String() }
