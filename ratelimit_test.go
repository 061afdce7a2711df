package gatehouse_test

import (
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse"
	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/internal/testdb"
)

// postFrom POSTs a form as a same-origin browser behind the trusted proxy
// at 127.0.0.1 whose client is ip, and returns the status and Retry-After
// in seconds (-1 when absent).
func postFrom(t *testing.T, srv string, ip, path string, v url.Values) (int, int) {
	t.Helper()
	resp, _ := request(t, newBrowser(), "POST", srv+path, strings.NewReader(v.Encode()), map[string]string{
		"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin", "X-Forwarded-For": ip})
	retry := -1
	if h := resp.Header.Get("Retry-After"); h != "" {
		n, err := strconv.Atoi(h)
		must(t, err)
		retry = n
	}
	return resp.StatusCode, retry
}

// limitedApp is an app behind a trusted proxy on 127.0.0.1, with a clock
// the test moves and the given rate limits.
func limitedApp(t *testing.T, limits map[string]string) (string, gatehouse.Store, *time.Time) {
	db := testdb.SQLite(t)
	now := time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)
	srv, _ := newApp(t, gatehouse.Config{Store: db, Now: func() time.Time { return now },
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")},
		Account:        account.Config{RateLimits: limits}}, nil)
	return srv.URL, db, &now
}

// TestLoginRateLimitOverHTTP: every login attempt counts per client IP,
// right passwords included; past the limit the page answers 429 with the
// time left in the window; other clients go on.
func TestLoginRateLimitOverHTTP(t *testing.T) {
	srv, db, now := limitedApp(t, map[string]string{account.LimitLogin: "3/m/ip"})
	addUser(t, db, "lou")
	good := url.Values{"login": {"lou"}, "password": {goodPassword}}
	for i := range 3 {
		if st, _ := postFrom(t, srv, "203.0.113.1", "/accounts/login/", good); st != http.StatusSeeOther {
			t.Fatalf("login %d = %d, want 303", i+1, st)
		}
	}
	*now = now.Add(20 * time.Second)
	if st, retry := postFrom(t, srv, "203.0.113.1", "/accounts/login/", good); st != http.StatusTooManyRequests || retry != 40 {
		t.Fatalf("4th login = %d, Retry-After %d; want 429 after the 40s left", st, retry)
	}
	if st, _ := postFrom(t, srv, "203.0.113.2", "/accounts/login/", good); st != http.StatusSeeOther {
		t.Fatalf("another client = %d, want 303", st)
	}
	*now = now.Add(40 * time.Second)
	if st, _ := postFrom(t, srv, "203.0.113.1", "/accounts/login/", good); st != http.StatusSeeOther {
		t.Fatalf("after the window = %d, want 303", st)
	}
}

// TestFailedLoginsPerIPOverHTTP: with the defaults, one client spraying
// wrong passwords over many logins is refused on the 11th (login_failed
// 10/m/ip) for a minute, its right password included; the account itself
// is not locked for its owner elsewhere.
func TestFailedLoginsPerIPOverHTTP(t *testing.T) {
	srv, db, now := limitedApp(t, nil)
	addUser(t, db, "mia")
	for i := range 10 {
		v := url.Values{"login": {"user" + strconv.Itoa(i)}, "password": {"123456"}}
		if i == 0 {
			v.Set("login", "mia")
		}
		if st, _ := postFrom(t, srv, "203.0.113.3", "/accounts/login/", v); st != http.StatusOK {
			t.Fatalf("spray %d = %d, want 200", i+1, st)
		}
	}
	*now = now.Add(15 * time.Second)
	good := url.Values{"login": {"mia"}, "password": {goodPassword}}
	if st, retry := postFrom(t, srv, "203.0.113.3", "/accounts/login/", good); st != http.StatusTooManyRequests || retry != 45 {
		t.Fatalf("11th from the IP = %d, Retry-After %d; want 429 after the 45s left", st, retry)
	}
	if st, _ := postFrom(t, srv, "198.51.100.3", "/accounts/login/", good); st != http.StatusSeeOther {
		t.Fatalf("mia from her own IP = %d, want 303", st)
	}
}

// TestSignupRateLimitOverHTTP: every signup attempt counts per client IP,
// refused forms included; past the limit the page answers 429.
func TestSignupRateLimitOverHTTP(t *testing.T) {
	srv, _, _ := limitedApp(t, map[string]string{account.LimitSignup: "2/m/ip"})
	form := func(name, p2 string) url.Values {
		return url.Values{"username": {name}, "password1": {goodPassword}, "password2": {p2}}
	}
	if st, _ := postFrom(t, srv, "203.0.113.4", "/accounts/signup/", form("nia", "mismatch")); st != http.StatusOK {
		t.Fatalf("refused signup = %d, want 200", st)
	}
	if st, _ := postFrom(t, srv, "203.0.113.4", "/accounts/signup/", form("nia", goodPassword)); st != http.StatusSeeOther {
		t.Fatalf("signup = %d, want 303", st)
	}
	if st, _ := postFrom(t, srv, "203.0.113.4", "/accounts/signup/", form("oda", goodPassword)); st != http.StatusTooManyRequests {
		t.Fatalf("3rd signup = %d, want 429", st)
	}
	if st, _ := postFrom(t, srv, "203.0.113.5", "/accounts/signup/", form("oda", goodPassword)); st != http.StatusSeeOther {
		t.Fatalf("another client = %d, want 303", st)
	}
}
