package loadgen

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// MaxBody is how much of a response body a Browser reads; the rest is
// dropped with the connection.
const MaxBody = 4 << 20

// UserAgent is the User-Agent header that every request carries.
const UserAgent = "gatehouse-bench/1"

// maxRedirects bounds FollowRedirects.
const maxRedirects = 10

// Browser is one virtual user's HTTP client: the shared transport, a cookie
// jar of its own, browser-like headers, and redirects left to the caller so
// that a scenario can check that a form POST was answered by a redirect.
// A Browser is used by one goroutine at a time.
type Browser struct {
	client   http.Client
	buf      bytes.Buffer
	requests int
}

// Page is a response as a Browser saw it. Body is only valid until the
// Browser's next request.
type Page struct {
	URL      *url.URL // the URL requested
	Status   int
	Location string // the raw Location header, for redirects
	Body     []byte
}

// NewBrowser returns a Browser over rt with an empty cookie jar; timeout
// bounds each request (0: none).
func NewBrowser(rt http.RoundTripper, timeout time.Duration) *Browser {
	b := &Browser{}
	b.client = http.Client{
		Transport: rt,
		Jar:       newJar(),
		Timeout:   timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	return b
}

// ClearCookies gives the Browser a new, empty cookie jar: the next request is
// that of a new visitor.
func (b *Browser) ClearCookies() { b.client.Jar = newJar() }

// Requests returns how many requests the Browser has sent.
func (b *Browser) Requests() int { return b.requests }

// Get fetches u.
func (b *Browser) Get(ctx context.Context, u *url.URL) (Page, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return Page{}, opErrorf(KindForm, "GET %s: %v", u, err)
	}
	return b.do(req, u)
}

// PostForm submits vals to action as application/x-www-form-urlencoded, as a
// browser submits a form found on page from: with an Origin header equal to
// from's origin (what Go's http.CrossOriginProtection and Django's CSRF
// check accept), a matching Sec-Fetch-Site, and a Referer.
func (b *Browser) PostForm(ctx context.Context, from, action *url.URL, vals url.Values) (Page, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, action.String(), strings.NewReader(vals.Encode()))
	if err != nil {
		return Page{}, opErrorf(KindForm, "POST %s: %v", action, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", origin(from))
	site := "same-origin"
	if origin(from) != origin(action) {
		site = "cross-site"
	}
	req.Header.Set("Sec-Fetch-Site", site)
	req.Header.Set("Referer", from.String())
	return b.do(req, action)
}

// FollowRedirects GETs each Location in turn while p is a redirect (a POST
// answered by 302 or 303 is followed by a GET, as browsers do; so, for
// simplicity, are 307 and 308), and returns the first non-redirect page.
func (b *Browser) FollowRedirects(ctx context.Context, p Page) (Page, error) {
	for hops := 0; isRedirect(p.Status); hops++ {
		if hops == maxRedirects {
			return p, opErrorf(KindRedirect, "more than %d redirects, last %s", maxRedirects, p.URL)
		}
		next, err := redirectTarget(p)
		if err != nil {
			return p, err
		}
		if p, err = b.Get(ctx, next); err != nil {
			return p, err
		}
	}
	return p, nil
}

// redirectTarget resolves p's Location against p's URL.
func redirectTarget(p Page) (*url.URL, error) {
	if p.Location == "" {
		return nil, opErrorf(KindRedirect, "%d from %s without Location", p.Status, p.URL)
	}
	loc, err := url.Parse(p.Location)
	if err != nil {
		return nil, opErrorf(KindRedirect, "bad Location %q from %s: %v", p.Location, p.URL, err)
	}
	return p.URL.ResolveReference(loc), nil
}

// do sends req with the browser headers and reads the body into b.buf.
func (b *Browser) do(req *http.Request, u *url.URL) (Page, error) {
	req.Header.Set("User-Agent", UserAgent)
	req.Header.Set("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8")
	req.Header.Set("Sec-Fetch-Mode", "navigate")
	req.Header.Set("Sec-Fetch-Dest", "document")
	if req.Header.Get("Sec-Fetch-Site") == "" {
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	b.requests++
	resp, err := b.client.Do(req)
	if err != nil {
		return Page{URL: u}, opErrorf(KindTransport, "%v", err) // names method and URL
	}
	defer resp.Body.Close()
	b.buf.Reset()
	_, err = b.buf.ReadFrom(io.LimitReader(resp.Body, MaxBody))
	p := Page{URL: u, Status: resp.StatusCode, Location: resp.Header.Get("Location"), Body: b.buf.Bytes()}
	if err != nil {
		return p, opErrorf(KindTransport, "%s %s: reading body: %v", req.Method, u, err)
	}
	return p, nil
}

// isRedirect reports whether code is a redirect that carries a Location.
func isRedirect(code int) bool {
	switch code {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

// origin returns u's origin, "scheme://host[:port]".
func origin(u *url.URL) string { return u.Scheme + "://" + u.Host }
