package gatehouse_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/account"
)

// TestRateLimitsThroughTheirFlows drives allauth's reset_password (5/m per
// address), request_login_code (3/m per address) and manage_email (10/m
// per user) past their limits through their pages: the request after the
// limit gets 429 with the time left in Retry-After and mails nothing; the
// address counts in its canonical form; after the window it works again
// (SECURITY.md R4).
func TestRateLimitsThroughTheirFlows(t *testing.T) {
	e := newFlowEnv(t, account.Config{LoginByCode: true})
	e.srv.CreateUser(t, "rl", "rl@example.com", goodPassword)

	limited := func(name string, resp *http.Response) {
		t.Helper()
		if resp.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("%s past its limit = %d, want 429", name, resp.StatusCode)
		}
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || s < 1 || s > 60 {
			t.Fatalf("%s: Retry-After %q, want 1..60 s", name, resp.Header.Get("Retry-After"))
		}
	}
	mails := func(kind account.NoticeKind) int {
		t.Helper()
		n := 0
		for _, m := range e.sink.Messages(t) {
			if header(m, "X-Gatehouse-Kind") == string(kind) {
				n++
			}
		}
		return n
	}
	waitMails := func(kind account.NoticeKind, want int) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for mails(kind) < want && time.Now().Before(deadline) {
			time.Sleep(25 * time.Millisecond)
		}
		if n := mails(kind); n != want {
			t.Fatalf("%d %s mails, want %d", n, kind, want)
		}
	}

	// reset_password: 5 a minute per address, whatever its case.
	for i := range 5 {
		resp, _ := post(t, e.browser(), e.srv, "/accounts/password/reset/", url.Values{"email": {"rl@example.com"}})
		if loc := location(t, resp); loc != "/accounts/password/reset/done/" {
			t.Fatalf("reset request %d went to %s", i+1, loc)
		}
	}
	resp, _ := post(t, e.browser(), e.srv, "/accounts/password/reset/", url.Values{"email": {"RL@Example.COM"}})
	limited("reset_password", resp)
	waitMails(account.NoticePasswordReset, 5)

	// request_login_code: 3 a minute per address.
	for i := range 3 {
		resp, _ := post(t, e.browser(), e.srv, "/accounts/login/code/", url.Values{"email": {"rl@example.com"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("code request %d = %d", i+1, resp.StatusCode)
		}
	}
	resp, _ = post(t, e.browser(), e.srv, "/accounts/login/code/", url.Values{"email": {"Rl@example.com"}})
	limited("request_login_code", resp)
	waitMails(account.NoticeLoginCode, 3)

	// manage_email: 10 a minute per user, from any browser.
	c := e.browser()
	if loc := location(t, login(t, c, e.srv, "rl", goodPassword)); loc != "/dashboard/" {
		t.Fatalf("login went to %s", loc)
	}
	add := func(c *http.Client, i int) *http.Response {
		resp, _ := post(t, c, e.srv, "/accounts/email/", url.Values{"action": {"add"}, "email": {"rl" + strconv.Itoa(i) + "@example.org"}})
		return resp
	}
	for i := range 10 {
		if resp := add(c, i); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("address %d = %d", i+1, resp.StatusCode)
		}
	}
	other := e.browser()
	location(t, login(t, other, e.srv, "rl", goodPassword))
	limited("manage_email", add(other, 10))
	waitMails(account.NoticeEmailConfirmation, 10)

	// A minute on, each works again.
	e.clock.Add(time.Minute + time.Second)
	resp, _ = post(t, e.browser(), e.srv, "/accounts/password/reset/", url.Values{"email": {"rl@example.com"}})
	if loc := location(t, resp); loc != "/accounts/password/reset/done/" {
		t.Fatalf("reset request after the window went to %s", loc)
	}
	if resp := add(other, 11); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("an address after the window = %d", resp.StatusCode)
	}
}
