package gatehouse_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse/account"
)

// TestRefusedCrossSitePostLogsNoKey: the log line of a cross-site POST the
// CSRF check refuses names the path, but not the confirmation or reset key
// in it (the env's log check fails the test otherwise).
func TestRefusedCrossSitePostLogsNoKey(t *testing.T) {
	e := newFlowEnv(t, account.Config{})
	location(t, e.signup(t, e.browser(), "pat", "pat@example.com", nil))
	confirm := e.mailLink(t, e.mail(t, "pat@example.com", account.NoticeEmailConfirmation))
	reset := e.requestReset(t, "pat@example.com")
	for _, link := range []string{confirm, reset} {
		resp, _ := request(t, e.browser(), "POST", e.srv.URL+link, strings.NewReader(""), map[string]string{
			"Content-Type": "application/x-www-form-urlencoded", "Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("cross-site POST %s = %d, want 403", link, resp.StatusCode)
		}
	}
	if !strings.Contains(e.logs.String(), "event=csrf_failed") {
		t.Fatal("no csrf_failed log line")
	}
}
