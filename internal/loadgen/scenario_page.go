package loadgen

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
)

// pageWorkload is the page scenario: an anonymous GET of the login page.
type pageWorkload struct {
	noClose
	e    *env
	u    *url.URL
	mark []byte // the login field's name, which the page must contain
}

// newPage builds the page scenario.
func newPage(_ context.Context, e *env) (Workload, error) {
	u, err := e.url(e.cfg.LoginPath)
	if err != nil {
		return nil, err
	}
	return &pageWorkload{e: e, u: u, mark: []byte(e.cfg.LoginField)}, nil
}

// NewWorker returns a visitor with its own cookie jar.
func (w *pageWorkload) NewWorker(context.Context, int) (Worker, error) {
	return &pageWorker{w: w, b: w.e.browser()}, nil
}

// pageWorker is one anonymous visitor.
type pageWorker struct {
	w *pageWorkload
	b *Browser
}

// Do GETs the login page and checks it is a 200 that mentions the login
// field (a cheap check: the page is not parsed).
func (v *pageWorker) Do(ctx context.Context, _ int64) (int, error) {
	p, err := v.b.Get(ctx, v.w.u)
	if err != nil {
		return 1, err
	}
	if p.Status != http.StatusOK {
		return 1, opErrorf(StatusKind(p.Status), "GET %s: %d, want 200", v.w.u, p.Status)
	}
	if !bytes.Contains(p.Body, v.w.mark) {
		return 1, opErrorf(KindBody, "GET %s: page does not mention the field %q", v.w.u, v.w.mark)
	}
	return 1, nil
}

// URL returns the first URL an operation requests, for the report.
func (w *pageWorkload) URL() string { return w.u.String() }
