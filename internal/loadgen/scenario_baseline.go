package loadgen

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"
)

// baselineBody is what the baseline handler serves: a small HTML page, about
// the size of a simple dashboard.
var baselineBody = []byte(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Dashboard</title></head>
<body><main><h1>Dashboard</h1><p>Signed in as <b>baseline</b>.</p>
<form method="post" action="/accounts/logout/"><button type="submit">Sign out</button></form>
</main></body></html>
`)

// baselineHandler is the bare net/http handler of the baseline scenarios.
func baselineHandler(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(baselineBody)
}

// newBaselineServer returns an http.Server of baselineHandler and a
// listener on a free port of 127.0.0.1 for it.
func newBaselineServer() (*http.Server, net.Listener, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	return &http.Server{Handler: http.HandlerFunc(baselineHandler), ReadHeaderTimeout: 10 * time.Second}, l, nil
}

// baselineWorkload is a baseline scenario: workers GET u, where
// baselineHandler is served, and close stops the server.
type baselineWorkload struct {
	e     *env
	u     *url.URL
	close func() error
	pid   int // the server's process; 0 when it is the tool's
}

// newBaseline builds the baseline scenario: baselineHandler served by a
// process of its own (see baselineProcess), as a server is.
func newBaseline(ctx context.Context, e *env) (Workload, error) {
	p, err := startBaselineProcess(ctx)
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	u := &url.URL{Scheme: "http", Host: p.addr, Path: "/"}
	return &baselineWorkload{e: e, u: u, close: p.stop, pid: p.cmd.Process.Pid}, nil
}

// newBaselineInProc builds the baseline-inproc scenario: baselineHandler
// served inside the tool's own process.
func newBaselineInProc(_ context.Context, e *env) (Workload, error) {
	srv, l, err := newBaselineServer()
	if err != nil {
		return nil, fmt.Errorf("baseline-inproc: %w", err)
	}
	go func() {
		if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			panic(err) // Serve on a fresh listener only fails when closed
		}
	}()
	u := &url.URL{Scheme: "http", Host: l.Addr().String(), Path: "/"}
	return &baselineWorkload{e: e, u: u, close: srv.Close}, nil
}

// NewWorker returns a virtual user.
func (w *baselineWorkload) NewWorker(context.Context, int) (Worker, error) {
	return &baselineWorker{w: w, b: w.e.browser()}, nil
}

// Close stops the server.
func (w *baselineWorkload) Close() error { return w.close() }

// ServerPID returns the server's process for the CPU figures (0: the
// tool's own, whose CPU the tool's figure already holds).
func (w *baselineWorkload) ServerPID() int { return w.pid }

// baselineWorker is one virtual user of a baseline scenario.
type baselineWorker struct {
	w *baselineWorkload
	b *Browser
}

// Do GETs the baseline page and checks for a 200.
func (v *baselineWorker) Do(ctx context.Context, _ int64) (int, error) {
	p, err := v.b.Get(ctx, v.w.u)
	if err != nil {
		return 1, err
	}
	if p.Status != http.StatusOK {
		return 1, opErrorf(StatusKind(p.Status), "GET %s: %d, want 200", v.w.u, p.Status)
	}
	return 1, nil
}

// URL returns the first URL an operation requests, for the report.
func (w *baselineWorkload) URL() string { return w.u.String() }
