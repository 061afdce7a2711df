package gatehouse_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse"
	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/gatehousetest"
	"github.com/gatehouse-auth/gatehouse/mail"
	"github.com/gatehouse-auth/gatehouse/mail/mailtest"
	"github.com/gatehouse-auth/gatehouse/user"
)

// The flows of issue 10 over HTTP: a real server (gatehousetest.NewServer)
// whose outbox delivers to a real mailpit (mailtest), mail read through
// mailpit's API, its link or code followed by a browser (a cookie jar that
// does not follow redirects). Every test also checks that nothing secret
// (a mailed link key, a code, a password, a mail's body) reached the logs.

// flowClock is the servers' clock, moved by the tests.
type flowClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *flowClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *flowClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// lockedBuffer is a log destination safe for the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// flowEnv is a server with mail to a sink, a clock and captured logs.
type flowEnv struct {
	srv   *gatehousetest.Server
	sink  *mailtest.Sink
	clock *flowClock
	logs  *lockedBuffer

	mu      sync.Mutex
	seen    map[string]bool // mailpit IDs already returned by mail
	secrets []string        // what must never be logged
}

// newFlowEnv starts mailpit and a server delivering to it; acc tunes the
// account flows.
func newFlowEnv(t *testing.T, acc account.Config, opts ...gatehousetest.Option) *flowEnv {
	t.Helper()
	// The clock starts a minute ahead of the wall clock: sqlstore stamps a
	// queued message with the wall clock and the outbox claims what is due
	// by Config.Now, so a clock behind the wall would never deliver.
	e := &flowEnv{sink: mailtest.Start(t), clock: &flowClock{t: time.Now().UTC().Add(time.Minute).Truncate(time.Second)},
		logs: &lockedBuffer{}, seen: map[string]bool{}}
	all := append([]gatehousetest.Option{gatehousetest.Mail(e.sink), func(c *gatehouse.Config) {
		c.Account = acc
		c.Now = e.clock.Now
		c.Logger = slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}}, opts...)
	e.srv = gatehousetest.NewServer(t, all...)
	e.secret(goodPassword)
	t.Cleanup(func() { e.checkLogs(t) })
	return e
}

// secret records strings the logs must not contain.
func (e *flowEnv) secret(s ...string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.secrets = append(e.secrets, s...)
}

// checkLogs fails the test when a secret reached the logs.
func (e *flowEnv) checkLogs(t *testing.T) {
	t.Helper()
	logs := e.logs.String()
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.seen) > 0 && !strings.Contains(logs, "mail sent") {
		t.Errorf("mail arrived but no delivery was logged: the capture misses the server's logs")
	}
	for _, s := range e.secrets {
		if s != "" && strings.Contains(logs, s) {
			t.Errorf("the logs carry a secret %q:\n%s", s, logs)
		}
	}
}

// mail waits for a message of kind (the X-Gatehouse-Kind header) to to that
// no earlier call returned, and records its secrets: its link's key, its
// code and the lines of its body.
func (e *flowEnv) mail(t *testing.T, to string, kind account.NoticeKind) mailtest.Summary {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		for _, m := range e.sink.Messages(t) {
			if e.seen[m.ID] || !slicesEqualFold(m.To, to) || header(m, "X-Gatehouse-Kind") != string(kind) {
				continue
			}
			e.seen[m.ID] = true
			e.remember(m)
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s mail to %s arrived; the sink holds %v", kind, to, describeMail(e.sink.Messages(t)))
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// noMail checks that no message of kind to to is queued or delivered.
func (e *flowEnv) noMail(t *testing.T, to string, kind account.NoticeKind) {
	t.Helper()
	qs, err := e.srv.DB.ListOutbox(context.Background(), 0, 1000)
	must(t, err)
	for _, q := range qs {
		if slicesEqualFold(q.Message.To, to) && q.Message.Headers["X-Gatehouse-Kind"] == string(kind) {
			t.Fatalf("a %s mail to %s was queued (%s)", kind, to, q.Status)
		}
	}
	for _, m := range e.sink.Messages(t) {
		if slicesEqualFold(m.To, to) && header(m, "X-Gatehouse-Kind") == string(kind) {
			t.Fatalf("a %s mail to %s arrived", kind, to)
		}
	}
}

// outboxSettled waits until the outbox holds no pending message.
func (e *flowEnv) outboxSettled(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		qs, err := e.srv.DB.ListOutbox(context.Background(), 0, 1000, mail.StatusPending)
		must(t, err)
		if len(qs) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d messages still pending", len(qs))
		}
		time.Sleep(25 * time.Millisecond)
	}
}

func (e *flowEnv) remember(m mailtest.Summary) {
	if k := mailKey(m.Text); k != "" {
		e.secret(k)
	}
	if c := codeRE.FindString(m.Text); c != "" {
		e.secret(c, strings.ReplaceAll(c, "-", ""))
	}
	for _, line := range strings.Split(m.Text, "\n") {
		if line = strings.TrimSpace(line); len(line) >= 40 {
			e.secret(line)
		}
	}
}

func describeMail(ms []mailtest.Summary) []string {
	var out []string
	for _, m := range ms {
		out = append(out, header(m, "X-Gatehouse-Kind")+" to "+strings.Join(m.To, ","))
	}
	return out
}

func slicesEqualFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// header returns the first value of a message's header name.
func header(m mailtest.Summary, name string) string {
	for k, v := range m.Headers {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

var (
	linkRE = regexp.MustCompile(`https?://[^\s"<>]+/accounts/(?:confirm-email|password/reset/key)/[^\s"<>/]+/`)
	codeRE = regexp.MustCompile(`\b[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}\b`)
)

// mailLink returns the path of the confirmation or reset link in a mail's
// text, checking it starts with the site URL and is in the HTML too.
func (e *flowEnv) mailLink(t *testing.T, m mailtest.Summary) string {
	t.Helper()
	link := linkRE.FindString(m.Text)
	if link == "" {
		t.Fatalf("no link in the mail %q:\n%s", m.Subject, m.Text)
	}
	if !strings.HasPrefix(link, e.srv.URL+"/") {
		t.Fatalf("link %s does not start with the site URL %s", link, e.srv.URL)
	}
	if !strings.Contains(m.HTML, `href="`+link+`"`) {
		t.Fatalf("the HTML part lacks the link %s:\n%s", link, m.HTML)
	}
	return strings.TrimPrefix(link, e.srv.URL)
}

// mailKey returns the key part of a mailed link ("" when none).
func mailKey(text string) string {
	link := linkRE.FindString(text)
	if link == "" {
		return ""
	}
	link = strings.TrimSuffix(link, "/")
	return link[strings.LastIndex(link, "/")+1:]
}

// mailCode returns the code of a code mail, checking the HTML shows it too.
func mailCode(t *testing.T, m mailtest.Summary) string {
	t.Helper()
	c := codeRE.FindString(m.Text)
	if c == "" || !strings.Contains(m.HTML, c) {
		t.Fatalf("no code (or not in both parts) in the mail %q:\n%s", m.Subject, m.Text)
	}
	return c
}

// wrongCode returns a well-formed code other than c.
func wrongCode(c string) string {
	if strings.HasPrefix(c, "BBBB") {
		return "CCCC-CCCC"
	}
	return "BBBB-BBBB"
}

// browser returns a new browser of the env's server.
func (e *flowEnv) browser() *http.Client { return e.srv.Client() }

// signedIn reports whether c has a session: the demo dashboard answers 200,
// not a redirect to the login page.
func (e *flowEnv) signedIn(t *testing.T, c *http.Client) bool {
	t.Helper()
	resp, _ := get(t, c, e.srv, "/dashboard/")
	switch {
	case resp.StatusCode == http.StatusOK:
		return true
	case resp.StatusCode == http.StatusFound && strings.HasPrefix(resp.Header.Get("Location"), "/accounts/login/"):
		return false
	}
	t.Fatalf("dashboard = %d %s", resp.StatusCode, resp.Header.Get("Location"))
	return false
}

// user reads a user from the store by username.
func (e *flowEnv) user(t *testing.T, name string) *user.User {
	t.Helper()
	u, err := e.srv.DB.UserByUsername(context.Background(), name)
	must(t, err)
	return u
}

// verified reports whether the user's address email is verified.
func (e *flowEnv) verified(t *testing.T, name, email string) bool {
	t.Helper()
	es, err := e.srv.DB.Emails(context.Background(), e.user(t, name).ID)
	must(t, err)
	for _, a := range es {
		if strings.EqualFold(a.Email, email) {
			return a.Verified
		}
	}
	t.Fatalf("%s has no address %s", name, email)
	return false
}

// signup posts the signup form.
func (e *flowEnv) signup(t *testing.T, c *http.Client, name, email string, extra url.Values) *http.Response {
	t.Helper()
	v := url.Values{"username": {name}, "email": {email}, "password1": {goodPassword}, "password2": {goodPassword}}
	for k, vs := range extra {
		v[k] = vs
	}
	resp, _ := post(t, c, e.srv, "/accounts/signup/", v)
	return resp
}

// location checks resp is a redirect (302 or 303) and returns its Location.
func location(t *testing.T, resp *http.Response) string {
	t.Helper()
	if resp.StatusCode != http.StatusSeeOther && resp.StatusCode != http.StatusFound {
		t.Fatalf("%s %s = %d, want a redirect", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode)
	}
	return resp.Header.Get("Location")
}

// setCookie returns the cookie name resp sets, or nil.
func setCookie(resp *http.Response, name string) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}
