package loadgen

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
)

// authedWorkload is the authed scenario: each virtual user logs in once as
// Prefix{id % Users}, then GETs the authed page over and over.
type authedWorkload struct {
	noClose
	e     *env
	login *url.URL
	page  *url.URL
}

// newAuthed builds the authed scenario.
func newAuthed(_ context.Context, e *env) (Workload, error) {
	login, err := e.formURL(e.cfg.LoginPath)
	if err != nil {
		return nil, err
	}
	page, err := e.url(e.cfg.AuthedPath)
	if err != nil {
		return nil, err
	}
	return &authedWorkload{e: e, login: login, page: page}, nil
}

// NewWorker logs virtual user id in.
func (w *authedWorkload) NewWorker(ctx context.Context, id int) (Worker, error) {
	b := w.e.browser()
	user := UserName(w.e.cfg.Prefix, int64(id), w.e.cfg.Users)
	if err := logIn(ctx, b, w.e.cfg, w.login, user); err != nil {
		return nil, fmt.Errorf("logging in as %s: %w", user, err)
	}
	return &authedWorker{w: w, b: b, expect: w.e.cfg.expect(user)}, nil
}

// authedWorker is one logged-in virtual user.
type authedWorker struct {
	w      *authedWorkload
	b      *Browser
	expect string
}

// Do GETs the authed page, which must be a 200 (a redirect means the
// session was lost) showing the user.
func (v *authedWorker) Do(ctx context.Context, _ int64) (int, error) {
	p, err := v.b.Get(ctx, v.w.page)
	if err != nil {
		return 1, err
	}
	if p.Status != http.StatusOK {
		return 1, opErrorf(StatusKind(p.Status), "GET %s: %d, want 200", v.w.page, p.Status)
	}
	return 1, checkBody(p, v.expect)
}

// URL returns the first URL an operation requests, for the report.
func (w *authedWorkload) URL() string { return w.page.String() }
