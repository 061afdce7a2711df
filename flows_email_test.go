package gatehouse_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/user"
)

// The flows of issue 11 over HTTP against mailpit: email addresses (add,
// confirm, make primary, remove, a taken address, the change-of-address
// typo), login by code, password set.

var cancelRE = regexp.MustCompile(`https?://[^\s"<>]+/accounts/email/cancel/[^\s"<>/]+/`)

// addressRow reports whether the email page lists address.
func addressRow(page, address string) bool { return strings.Contains(page, ">"+address+"</span>") }

func TestEmailAddressesOverHTTP(t *testing.T) {
	e := newFlowEnv(t, account.Config{})
	ctx := context.Background()
	e.srv.CreateUser(t, "bob", "bob@example.com", goodPassword)
	c := e.browser()
	e.signup(t, c, "ann", "ann@example.com", nil)
	e.mail(t, "ann@example.com", account.NoticeEmailConfirmation)
	if _, page := get(t, c, e.srv, "/accounts/email/"); !addressRow(page, "ann@example.com") || !strings.Contains(page, "Unverified") {
		t.Fatal("the email page does not list the signup's unverified address")
	}

	// Add an address, confirm it from the mail, make it primary, remove the old one.
	resp, _ := post(t, c, e.srv, "/accounts/email/", url.Values{"action": {"add"}, "email": {"ann.work@example.com"}})
	if location(t, resp) != "/accounts/email/" {
		t.Fatalf("add went to %s", resp.Header.Get("Location"))
	}
	link := e.mailLink(t, e.mail(t, "ann.work@example.com", account.NoticeEmailConfirmation))
	if resp, _ := post(t, c, e.srv, link, nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirming = %d", resp.StatusCode)
	}
	if !e.verified(t, "ann", "ann.work@example.com") {
		t.Fatal("the added address is not verified after its link")
	}
	post(t, c, e.srv, "/accounts/email/", url.Values{"action": {"primary"}, "email": {"ann.work@example.com"}})
	if u := e.user(t, "ann"); u.Email != "ann.work@example.com" {
		t.Fatalf("primary = %q", u.Email)
	}
	resp, page := post(t, c, e.srv, "/accounts/email/", url.Values{"action": {"remove"}, "email": {"ann.work@example.com"}})
	if resp.StatusCode != 200 || !strings.Contains(page, "primary address cannot be removed") {
		t.Fatalf("removing the primary = %d", resp.StatusCode)
	}
	post(t, c, e.srv, "/accounts/email/", url.Values{"action": {"remove"}, "email": {"ann@example.com"}})
	if _, page := get(t, c, e.srv, "/accounts/email/"); addressRow(page, "ann@example.com") {
		t.Fatal("the removed address is still listed")
	}

	// A taken address: the same answer as a free one, and the same page
	// after it (the address listed, unverified); its owner is told; nothing
	// of bob's changes. Two users in the same state, one adding a free
	// address, the other bob's.
	e.clock.Add(4 * time.Minute) // past the cooldown of bob's own mail, if any
	var answers []answer
	for _, tc := range []struct{ name, address string }{{"uno", "free@example.com"}, {"dos", "bob@example.com"}} {
		e.srv.CreateUser(t, tc.name, tc.name+"@example.org", goodPassword)
		b := e.browser()
		login(t, b, e.srv, tc.name, goodPassword)
		a := e.observeAdd(t, b, tc.address)
		a.page = strings.ReplaceAll(strings.ReplaceAll(a.page, tc.address, "ADDRESS"), tc.name, "USER")
		answers = append(answers, a)
		// A resend right after answers alike (the cooldown), and so does removing it.
		if resp, _ := post(t, b, e.srv, "/accounts/email/", url.Values{"action": {"send"}, "email": {tc.address}}); resp.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("a resend right after adding %s = %d, want the cooldown's 429", tc.address, resp.StatusCode)
		}
		if resp, _ := post(t, b, e.srv, "/accounts/email/", url.Values{"action": {"remove"}, "email": {tc.address}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("removing %s = %d", tc.address, resp.StatusCode)
		}
		if _, page := get(t, b, e.srv, "/accounts/email/"); addressRow(page, tc.address) {
			t.Fatalf("%s is still listed after removing it", tc.address)
		}
	}
	sameAnswer(t, "adding a free and a taken address", answers[0], answers[1])
	if !strings.Contains(answers[1].page, ">ADDRESS</span>") {
		t.Fatal("the added address is not listed")
	}
	e.mail(t, "bob@example.com", account.NoticeEmailTaken)
	if u, _ := e.srv.DB.UserByEmail(ctx, "bob@example.com"); u.Username != "bob" {
		t.Fatal("bob's address moved")
	}
	if u, _ := e.srv.DB.UserByUsername(ctx, "dos"); u != nil {
		if es, _ := e.srv.DB.Emails(ctx, u.ID); len(es) != 1 {
			t.Fatalf("dos has %d stored addresses, want only their own", len(es))
		}
	}

	// A stale login: the change waits for the password, then resumes.
	e.clock.Add(10 * time.Minute)
	resp, _ = post(t, c, e.srv, "/accounts/email/", url.Values{"action": {"add"}, "email": {"ann.late@example.com"}})
	if loc := location(t, resp); !strings.HasPrefix(loc, "/accounts/reauthenticate/") {
		t.Fatalf("a stale add went to %s, want reauthentication", loc)
	}
	resp, _ = post(t, c, e.srv, "/accounts/reauthenticate/", url.Values{"password": {goodPassword}, "next": {"/accounts/email/"}})
	if location(t, resp) != "/accounts/email/" {
		t.Fatalf("after reauthentication: %s", resp.Header.Get("Location"))
	}
	if _, page := get(t, c, e.srv, "/accounts/email/"); !addressRow(page, "ann.late@example.com") {
		t.Fatal("the interrupted add did not resume after reauthentication")
	}
}

// observeAdd posts an address to add and follows the redirect.
func (e *flowEnv) observeAdd(t *testing.T, c *http.Client, address string) answer {
	t.Helper()
	resp, body := post(t, c, e.srv, "/accounts/email/", url.Values{"action": {"add"}, "email": {address}})
	a := answer{status: resp.StatusCode, location: resp.Header.Get("Location"), page: body}
	if a.location != "" {
		_, a.page = get(t, c, e.srv, a.location)
	}
	return a
}

// TestChangeEmailTypoOverHTTP: in ChangeEmail mode a mistyped new address
// leaves the login address working; the old address's mail cancels it.
func TestChangeEmailTypoOverHTTP(t *testing.T) {
	e := newFlowEnv(t, account.Config{ChangeEmail: true})
	u := e.srv.CreateUser(t, "cleo", "cleo@example.com", goodPassword)
	must(t, e.srv.DB.VerifyEmail(context.Background(), u.ID, "cleo@example.com"))
	c := e.browser()
	login(t, c, e.srv, "cleo", goodPassword)
	post(t, c, e.srv, "/accounts/email/", url.Values{"action": {"add"}, "email": {"cleo@exmaple.com"}})
	notice := e.mail(t, "cleo@example.com", account.NoticeEmailChangeRequested)
	link := cancelRE.FindString(notice.Text)
	if link == "" || !strings.Contains(notice.Text, "cleo@exmaple.com") {
		t.Fatalf("the old address's notice lacks the new address or the cancel link:\n%s", notice.Text)
	}
	e.secret(link)
	path := strings.TrimPrefix(link, e.srv.URL)
	other := e.browser() // the link opens in any browser
	if resp, page := get(t, other, e.srv, path); resp.StatusCode != 200 || !strings.Contains(page, "cleo@exmaple.com") {
		t.Fatalf("cancel page = %d", resp.StatusCode)
	}
	if resp, _ := post(t, other, e.srv, path, nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("cancel = %d", resp.StatusCode)
	}
	es, _ := e.srv.DB.Emails(context.Background(), u.ID)
	if len(es) != 1 || es[0].Email != "cleo@example.com" {
		t.Fatalf("after cancelling: %v", es)
	}
	if resp := login(t, e.browser(), e.srv, "cleo@example.com", goodPassword); location(t, resp) != "/dashboard/" {
		t.Fatal("the login address stopped working")
	}
	if resp, page := get(t, other, e.srv, path); resp.StatusCode != 200 || strings.Contains(page, "cleo@exmaple.com") {
		t.Fatal("a cancel link works twice")
	}
}

// TestLoginByCodeOverHTTP: the code mailed to a known address signs in
// (through the stages); an unknown address gets the same answer.
func TestLoginByCodeOverHTTP(t *testing.T) {
	e := newFlowEnv(t, account.Config{LoginByCode: true})
	e.srv.CreateUser(t, "kit", "kit@example.com", goodPassword)
	if _, page := get(t, e.browser(), e.srv, "/accounts/login/"); !strings.Contains(page, `href="/accounts/login/code/`) {
		t.Fatal("the login page does not offer a code")
	}
	known := e.observe(t, "/accounts/login/code/", url.Values{"email": {"kit@example.com"}}, "kit@example.com")
	unknown := e.observe(t, "/accounts/login/code/", url.Values{"email": {"nobody@example.com"}}, "nobody@example.com")
	sameAnswer(t, "login code for a known and an unknown address", known, unknown)
	e.mail(t, "nobody@example.com", account.NoticeUnknownAccount)
	e.mail(t, "kit@example.com", account.NoticeLoginCode)

	c := e.browser()
	resp, _ := post(t, c, e.srv, "/accounts/login/code/", url.Values{"email": {"kit@example.com"}, "next": {"/secret/"}})
	if loc := location(t, resp); loc != "/accounts/login/code/confirm/?next=%2Fsecret%2F" {
		t.Fatalf("code request went to %s", loc)
	}
	e.clock.Add(time.Second)
	code := mailCode(t, e.mail(t, "kit@example.com", account.NoticeLoginCode))
	resp, page := post(t, c, e.srv, "/accounts/login/code/confirm/", url.Values{"code": {wrongCode(code)}, "next": {"/secret/"}})
	if resp.StatusCode != 200 || !strings.Contains(page, "code is not correct") {
		t.Fatalf("a wrong code = %d", resp.StatusCode)
	}
	resp, _ = post(t, c, e.srv, "/accounts/login/code/confirm/", url.Values{"code": {strings.ToLower(code)}, "next": {"/secret/"}})
	if loc := location(t, resp); loc != "/secret/" || !e.signedIn(t, c) {
		t.Fatalf("the right code went to %s", loc)
	}
	if !e.verified(t, "kit", "kit@example.com") {
		t.Error("signing in by code did not verify the address")
	}
	// The code never works twice.
	if resp, _ := post(t, c, e.srv, "/accounts/login/code/confirm/", url.Values{"code": {code}}); location(t, resp) != "/accounts/login/code/" {
		t.Fatal("the code page answered after the code was used")
	}
}

// TestPasswordSetOverHTTP: a user without a usable password is sent from
// the change page to the set page, which asks for a recent authentication
// (a mailed code for them) and then sets the password.
func TestPasswordSetOverHTTP(t *testing.T) {
	e := newFlowEnv(t, account.Config{LoginByCode: true})
	u := e.srv.CreateUser(t, "pat", "pat@example.com", goodPassword)
	must(t, e.srv.DB.SetPassword(context.Background(), u.ID, "!"+strings.Repeat("x", 40)))
	c := e.browser()
	post(t, c, e.srv, "/accounts/login/code/", url.Values{"email": {"pat@example.com"}})
	code := mailCode(t, e.mail(t, "pat@example.com", account.NoticeLoginCode))
	post(t, c, e.srv, "/accounts/login/code/confirm/", url.Values{"code": {code}})
	if resp, _ := get(t, c, e.srv, "/accounts/password/change/"); location(t, resp) != "/accounts/password/set/" {
		t.Fatal("the change page did not send a user without a password to the set page")
	}
	const newPW = "a brand new passphrase"
	e.secret(newPW)
	resp, _ := post(t, c, e.srv, "/accounts/password/set/", url.Values{"password1": {newPW}, "password2": {newPW}})
	if location(t, resp) != "/dashboard/" {
		t.Fatalf("password set went to %s", resp.Header.Get("Location"))
	}
	if resp := login(t, e.browser(), e.srv, "pat", newPW); location(t, resp) != "/dashboard/" {
		t.Fatal("the new password does not log in")
	}
	var got *user.User
	got, _ = e.srv.DB.User(context.Background(), u.ID)
	if !got.HasUsablePassword() {
		t.Fatal("no usable password stored")
	}
	// A stale session's POST waits for reauthentication in a flow record,
	// sealed: the new password is not readable there.
	must(t, e.srv.DB.SetPassword(context.Background(), u.ID, "!"+strings.Repeat("y", 40)))
	e.clock.Add(10 * time.Minute)
	const laterPW = "another brand new passphrase"
	e.secret(laterPW)
	resp, _ = post(t, c, e.srv, "/accounts/password/set/", url.Values{"password1": {laterPW}, "password2": {laterPW}})
	if loc := location(t, resp); !strings.HasPrefix(loc, "/accounts/reauthenticate/") {
		t.Fatalf("a stale password set went to %s", loc)
	}
	rows, err := e.srv.DB.SQL().QueryContext(context.Background(), `SELECT data FROM gh_flows`)
	must(t, err)
	defer rows.Close()
	for rows.Next() {
		var data []byte
		must(t, rows.Scan(&data))
		if strings.Contains(string(data), laterPW) {
			t.Fatal("the new password is readable in the kept POST")
		}
	}
}
