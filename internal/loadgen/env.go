package loadgen

import (
	"fmt"
	"net/http"
	"net/url"
)

// env is what a scenario's workload is built from: the config, the parsed
// target and the transport shared by every virtual user of the run.
type env struct {
	cfg    *Config
	target *url.URL
	rt     http.RoundTripper
	runID  string

	// newHasher makes the hash scenario's hasher; nil is NewHasher.
	newHasher func(HashConfig) (Verifier, error)
}

// url returns path (which may carry a query) on the target.
func (e *env) url(path string) (*url.URL, error) {
	p, err := url.Parse(path)
	if err != nil || p.Scheme != "" || p.Host != "" {
		return nil, fmt.Errorf("path %q: must be a path on the target", path)
	}
	u := *e.target
	u.Path = e.target.Path + p.Path
	u.RawPath = ""
	u.RawQuery = p.RawQuery
	return &u, nil
}

// formURL returns path on the target with next=AuthedPath added unless the
// path already has a next parameter: the URL a browser lands on when it
// asks for the authed page before logging in, so that the page reached after
// logging in (or signing up) is the one that shows the user.
func (e *env) formURL(path string) (*url.URL, error) {
	u, err := e.url(path)
	if err != nil {
		return nil, err
	}
	q := u.Query()
	if !q.Has("next") && e.cfg.AuthedPath != "" {
		next, err := e.url(e.cfg.AuthedPath)
		if err != nil {
			return nil, err
		}
		q.Set("next", next.RequestURI())
		u.RawQuery = q.Encode()
	}
	return u, nil
}

// browser returns a new virtual user's Browser.
func (e *env) browser() *Browser { return NewBrowser(e.rt, e.cfg.Timeout) }
