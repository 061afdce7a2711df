package e2e

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/mail/mailtest"
)

// mailTimeout bounds the wait for a mail: the outbox worker polls every
// 50 ms in tests, so a mail is normally there well within a second.
const mailTimeout = 15 * time.Second

// mailHeader is the first value of a header of m (names compared without case).
func mailHeader(m mailtest.Summary, name string) string {
	for k, v := range m.Headers {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// waitMail waits for the newest mail of kind (its X-Gatehouse-Kind) sent to
// address that arrived after the first skip mails of the sink, and fails
// the test when none comes.
func waitMail(t testing.TB, sink *mailtest.Sink, skip int, to, kind string) mailtest.Summary {
	t.Helper()
	deadline := time.Now().Add(mailTimeout)
	for {
		msgs := sink.Messages(t)
		for i := len(msgs) - 1; i >= skip; i-- {
			m := msgs[i]
			if mailHeader(m, "X-Gatehouse-Kind") == kind && len(m.To) == 1 && strings.EqualFold(m.To[0], to) {
				return m
			}
		}
		if time.Now().After(deadline) {
			var seen []string
			for _, m := range msgs[min(skip, len(msgs)):] {
				seen = append(seen, mailHeader(m, "X-Gatehouse-Kind")+" to "+strings.Join(m.To, ","))
			}
			t.Fatalf("no %s mail to %s within %v; got %q", kind, to, mailTimeout, seen)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

var (
	reMailURL  = regexp.MustCompile(`https?://[^\s<>"]+`)
	reMailCode = regexp.MustCompile(`\b[A-Z0-9]{4}-[A-Z0-9]{4}\b`)
)

// mailLink returns the one link of m's text that goes to a page under
// prefix ("/accounts/password/reset/key/"), and checks the HTML part
// carries the same link.
func mailLink(t testing.TB, m mailtest.Summary, siteURL, prefix string) string {
	t.Helper()
	var found []string
	for _, u := range reMailURL.FindAllString(m.Text, -1) {
		if strings.HasPrefix(u, siteURL+prefix) {
			found = append(found, u)
		}
	}
	if len(found) != 1 {
		t.Fatalf("mail %q: want one link to %s%s, found %q in:\n%s", m.Subject, siteURL, prefix, found, m.Text)
	}
	if !strings.Contains(m.HTML, `href="`+found[0]+`"`) {
		t.Errorf("mail %q: the HTML part does not link to %s", m.Subject, found[0])
	}
	return found[0]
}

// mailCode returns the XXXX-XXXX code of m's text, and checks the HTML part
// shows it too.
func mailCode(t testing.TB, m mailtest.Summary) string {
	t.Helper()
	codes := reMailCode.FindAllString(m.Text, -1)
	if len(codes) != 1 {
		t.Fatalf("mail %q: want one code, found %q in:\n%s", m.Subject, codes, m.Text)
	}
	if !strings.Contains(m.HTML, codes[0]) {
		t.Errorf("mail %q: the HTML part does not show the code %s", m.Subject, codes[0])
	}
	return codes[0]
}

// wantOK fails the test unless the last page loaded with 200 OK.
func (b *browser) wantOK() {
	b.t.Helper()
	b.wantStatus(http.StatusOK)
}
