package gatehouse_test

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/account"
)

// answer is what a browser sees of one step: status, Location, headers
// (the values of Set-Cookie without their random tokens, Date dropped) and
// the page the redirect leads to, with the address the user typed taken
// out.
type answer struct {
	status   int
	location string
	headers  string
	page     string
}

var cookieValue = regexp.MustCompile(`^([^=]+)=[^;]*`)

// observe posts form to path with a new browser and follows the redirect,
// if any, once.
func (e *flowEnv) observe(t *testing.T, path string, form url.Values, typed string) answer {
	t.Helper()
	c := e.browser()
	resp, body := post(t, c, e.srv, path, form)
	a := answer{status: resp.StatusCode, location: resp.Header.Get("Location"), page: body}
	var hs []string
	for k, vs := range resp.Header {
		if k == "Date" {
			continue
		}
		for _, v := range vs {
			if k == "Set-Cookie" {
				v = cookieValue.ReplaceAllString(v, "$1=…")
			}
			hs = append(hs, k+": "+v)
		}
	}
	slices.Sort(hs)
	a.headers = strings.Join(hs, "\n")
	if a.location != "" {
		r2, page := get(t, c, e.srv, a.location)
		if r2.StatusCode != 200 {
			t.Fatalf("GET %s after %s = %d", a.location, path, r2.StatusCode)
		}
		a.page = page
	}
	a.page = strings.ReplaceAll(a.page, typed, "ADDRESS")
	return a
}

// sameAnswer fails unless a and b are the same bytes.
func sameAnswer(t *testing.T, what string, a, b answer) {
	t.Helper()
	if a.status != b.status || a.location != b.location {
		t.Fatalf("%s: %d %s vs %d %s", what, a.status, a.location, b.status, b.location)
	}
	if a.headers != b.headers {
		t.Fatalf("%s: headers differ:\n%s\n---\n%s", what, a.headers, b.headers)
	}
	if a.page != b.page {
		t.Fatalf("%s: pages differ:\n%s\n---\n%s", what, a.page, b.page)
	}
}

// TestSignupTakenAddressMandatoryLooksFresh: with mandatory verification
// (enumeration prevention on) a signup with an address another account
// uses answers byte for byte like a fresh signup, the email stage page
// included (but for the address typed), and mails the owner "an account
// already exists"; the stand-in never becomes a session.
func TestSignupTakenAddressMandatoryLooksFresh(t *testing.T) {
	for _, byCode := range []bool{false, true} {
		name := "link"
		if byCode {
			name = "code"
		}
		t.Run(name, func(t *testing.T) { signupTakenLooksFresh(t, byCode) })
	}
}

func signupTakenLooksFresh(t *testing.T, byCode bool) {
	e := newFlowEnv(t, account.Config{EmailVerification: account.EmailVerificationMandatory, EmailVerificationByCode: byCode})
	e.srv.CreateUser(t, "owner", "owner@example.com", goodPassword)
	signup := func(name, email string) url.Values {
		return url.Values{"username": {name}, "email": {email}, "password1": {goodPassword}, "password2": {goodPassword},
			"next": {"/dashboard/"}}
	}
	fresh := e.observe(t, "/accounts/signup/", signup("newbie1", "fresh@example.com"), "fresh@example.com")
	taken := e.observe(t, "/accounts/signup/", signup("newbie2", "Owner@Example.com"), "Owner@Example.com")
	if fresh.location != "/accounts/confirm-email/" {
		t.Fatalf("a fresh signup went to %q", fresh.location)
	}
	sameAnswer(t, "signup with a taken address vs a fresh one", fresh, taken)
	kind := account.NoticeEmailConfirmation
	if byCode {
		kind = account.NoticeEmailConfirmationCode
	}
	e.mail(t, "fresh@example.com", kind)
	m := e.mail(t, "Owner@Example.com", account.NoticeAccountAlreadyExists)
	if !strings.Contains(m.Text, "owner") || codeRE.MatchString(m.Text) || strings.Contains(m.Text, "/confirm-email/") {
		t.Fatalf("the owner's mail does not name the account, or carries a code or key:\n%s", m.Text)
	}
	e.outboxSettled(t)
	e.noMail(t, "Owner@Example.com", kind)
	if _, err := e.srv.DB.UserByUsername(t.Context(), "newbie2"); err == nil {
		t.Fatal("the signup with a taken address created a user")
	}

	// The stand-in's stage answers like the real one: resend (in the
	// cooldown), wrong codes, then a dead code.
	stand, real := e.browser(), e.browser()
	location(t, e.signup(t, stand, "newbie3", "owner@example.com", nil))
	location(t, e.signup(t, real, "newbie4", "fresh4@example.com", nil))
	// In link mode no code is mailed, but a code can still be posted. After
	// the cooldown a resend (a new code in code mode) and codes again.
	code := url.Values{"action": {"code"}, "code": {"BBBB-BBBB"}}
	resend := url.Values{"action": {"resend"}}
	steps := []url.Values{resend, code, code, code, code, nil, resend, code, code, code}
	for i, form := range steps {
		if form == nil {
			e.clock.Add(181 * time.Second)
			continue
		}
		r1, p1 := post(t, stand, e.srv, "/accounts/confirm-email/", form)
		r2, p2 := post(t, real, e.srv, "/accounts/confirm-email/", form)
		if r1.StatusCode == http.StatusSeeOther {
			_, p1 = get(t, stand, e.srv, r1.Header.Get("Location"))
			_, p2 = get(t, real, e.srv, r2.Header.Get("Location"))
		}
		p1 = strings.ReplaceAll(p1, "owner@example.com", "ADDRESS")
		p2 = strings.ReplaceAll(p2, "fresh4@example.com", "ADDRESS")
		if r1.StatusCode != r2.StatusCode || r1.Header.Get("Location") != r2.Header.Get("Location") ||
			r1.Header.Get("Retry-After") != r2.Header.Get("Retry-After") || p1 != p2 {
			t.Fatalf("step %d %v: stand-in %d %q, real %d %q:\n%s\n---\n%s", i, form, r1.StatusCode, r1.Header.Get("Retry-After"),
				r2.StatusCode, r2.Header.Get("Retry-After"), p1, p2)
		}
	}
	if e.signedIn(t, stand) {
		t.Fatal("the stand-in has a session")
	}
}

// TestResetRequestSameForUnknownAddress: a reset request for an address no
// account uses answers exactly as one for an account's (status, Location,
// the page after), in link and code mode; the unknown address gets the "no
// account" mail unless QuietUnknownAccounts.
func TestResetRequestSameForUnknownAddress(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  account.Config
	}{
		{"link", account.Config{}},
		{"code", account.Config{PasswordResetByCode: true}},
		{"quiet", account.Config{QuietUnknownAccounts: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newFlowEnv(t, tc.cfg)
			e.srv.CreateUser(t, "kim", "kim@example.com", goodPassword)
			known := e.observe(t, "/accounts/password/reset/", url.Values{"email": {"kim@example.com"}}, "kim@example.com")
			unknown := e.observe(t, "/accounts/password/reset/", url.Values{"email": {"nobody@example.com"}}, "nobody@example.com")
			want := "/accounts/password/reset/done/"
			kind := account.NoticePasswordReset
			if tc.cfg.PasswordResetByCode {
				want, kind = "/accounts/password/reset/confirm/", account.NoticePasswordResetCode
			}
			if known.status != http.StatusSeeOther || known.location != want {
				t.Fatalf("reset request = %d %s, want 303 %s", known.status, known.location, want)
			}
			sameAnswer(t, "reset request for an unknown address vs a known one", known, unknown)
			e.mail(t, "kim@example.com", kind)
			if tc.cfg.QuietUnknownAccounts {
				e.outboxSettled(t)
				e.noMail(t, "nobody@example.com", account.NoticeUnknownAccount)
				return
			}
			m := e.mail(t, "nobody@example.com", account.NoticeUnknownAccount)
			if codeRE.MatchString(m.Text) || strings.Contains(m.Text, "/reset/key/") {
				t.Fatalf("the no-account mail carries a code or a key:\n%s", m.Text)
			}
		})
	}
}
