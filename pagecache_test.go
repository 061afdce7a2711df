package gatehouse_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse/gatehousetest"
)

// TestLoginPageWithNextFromCache: the login page a login-required redirect
// lands on (?next=) is kept like other anonymous pages, each next value
// carrying its own form; pages for made-up next values beyond the bound are
// still right, only not kept; other queries are never served from the cache.
func TestLoginPageWithNextFromCache(t *testing.T) {
	srv := gatehousetest.NewServer(t)
	c := srv.Client()
	hidden := func(next string) string {
		return `name="next" value="` + next + `"`
	}
	_, first := get(t, c, srv, "/accounts/login/?next=/secret/")
	_, again := get(t, c, srv, "/accounts/login/?next=/secret/")
	if first != again || !strings.Contains(first, hidden("/secret/")) {
		t.Fatalf("login page for next=/secret/ differs between requests or lacks the next field")
	}
	_, other := get(t, c, srv, "/accounts/login/?next=/dashboard/")
	if !strings.Contains(other, hidden("/dashboard/")) || strings.Contains(other, hidden("/secret/")) {
		t.Fatalf("login page for next=/dashboard/ carries another page's next")
	}
	_, plain := get(t, c, srv, "/accounts/login/")
	if strings.Contains(plain, hidden("/secret/")) || strings.Contains(plain, hidden("/dashboard/")) {
		t.Fatalf("login page without next carries another page's next")
	}
	for i := 0; i < 300; i++ { // past the bound of kept pages
		next := fmt.Sprintf("/p%d/", i)
		_, body := get(t, c, srv, "/accounts/login/?next="+url.QueryEscape(next))
		if !strings.Contains(body, hidden(next)) {
			t.Fatalf("login page %d lacks its own next %q", i, next)
		}
	}
	_, unsafe := get(t, c, srv, "/accounts/login/?next=//evil.com")
	if strings.Contains(unsafe, hidden("//evil.com")) {
		t.Fatalf("an unsafe next reached the login form")
	}
	_, extra := get(t, c, srv, "/accounts/login/?next=/secret/&x=1")
	if !strings.Contains(extra, hidden("/secret/")) {
		t.Fatalf("login page with an extra parameter lacks its next")
	}
}
