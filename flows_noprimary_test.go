package gatehouse_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/user"
)

// TestFlowsWithoutPrimaryAddress: a user whose users.email is empty (an
// import, the CLI, a primary address removed) but who has another address
// gets the email stage's mail and the reset's notice at that address; a
// user with no address at all is held at the email stage, not answered
// with an error page.
func TestFlowsWithoutPrimaryAddress(t *testing.T) {
	e := newFlowEnv(t, account.Config{EmailVerification: account.EmailVerificationMandatory})
	ctx := context.Background()
	alt := e.srv.CreateUser(t, "alt", "", goodPassword)
	must(t, e.srv.DB.AddEmail(ctx, &user.EmailAddress{UserID: alt.ID, Email: "alt@example.com"}))

	// The email stage mails the address the user has.
	c := e.browser()
	resp, _ := post(t, c, e.srv, "/accounts/login/", url.Values{"login": {"alt"}, "password": {goodPassword}})
	if loc := location(t, resp); loc != "/accounts/confirm-email/" {
		t.Fatalf("login went to %s", loc)
	}
	link := e.mailLink(t, e.mail(t, "alt@example.com", account.NoticeEmailConfirmation))
	resp, _ = post(t, c, e.srv, link, nil)
	if loc := location(t, resp); loc != "/dashboard/" || !e.signedIn(t, c) {
		t.Fatalf("confirming went to %s", loc)
	}

	// The reset by that address, and its notice.
	r := e.browser()
	form := e.openResetLink(t, r, e.requestReset(t, "alt@example.com"), alt)
	resp, _ = e.setNewPassword(t, r, form, newPassword)
	if loc := location(t, resp); loc != "/accounts/password/reset/key/done/" {
		t.Fatalf("the reset went to %s", loc)
	}
	e.mail(t, "alt@example.com", account.NoticePasswordChanged)

	// No address at all: held at the stage.
	e.srv.CreateUser(t, "none", "", goodPassword)
	resp, _ = post(t, e.browser(), e.srv, "/accounts/login/", url.Values{"login": {"none"}, "password": {goodPassword}})
	if loc := location(t, resp); loc != "/accounts/confirm-email/" {
		t.Fatalf("login of a user without an address went to %s", loc)
	}
}
