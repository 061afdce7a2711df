package gatehouse_test

import (
	"context"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/account"
)

// burst posts form to path n times at once from browser c.
func (e *flowEnv) burst(t *testing.T, c *http.Client, path string, form url.Values, n int) {
	t.Helper()
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range n {
		wg.Go(func() {
			<-start
			post(t, c, e.srv, path, form)
		})
	}
	close(start)
	wg.Wait()
}

// TestCodeAttemptsHoldUnderConcurrency: a mailed code allows 3 attempts
// even when the wrong ones arrive at once: after a burst of 24 wrong codes
// the right one is refused (email verification, password reset and
// reauthentication codes).
func TestCodeAttemptsHoldUnderConcurrency(t *testing.T) {
	const n = 24
	t.Run("email", func(t *testing.T) {
		e := newFlowEnv(t, account.Config{EmailVerification: account.EmailVerificationMandatory, EmailVerificationByCode: true})
		c := e.browser()
		location(t, e.signup(t, c, "rex", "rex@example.com", nil))
		code := mailCode(t, e.mail(t, "rex@example.com", account.NoticeEmailConfirmationCode))
		e.burst(t, c, "/accounts/confirm-email/", url.Values{"action": {"code"}, "code": {wrongCode(code)}}, n)
		post(t, c, e.srv, "/accounts/confirm-email/", url.Values{"action": {"code"}, "code": {code}})
		if e.signedIn(t, c) || e.verified(t, "rex", "rex@example.com") {
			t.Fatal("the right code worked after a burst of wrong ones")
		}
	})
	t.Run("reset", func(t *testing.T) {
		e := newFlowEnv(t, account.Config{PasswordResetByCode: true})
		e.srv.CreateUser(t, "sal", "sal@example.com", goodPassword)
		c := e.browser()
		location(t, must2(post(t, c, e.srv, "/accounts/password/reset/", url.Values{"email": {"sal@example.com"}})))
		code := mailCode(t, e.mail(t, "sal@example.com", account.NoticePasswordResetCode))
		e.burst(t, c, "/accounts/password/reset/confirm/", url.Values{"code": {wrongCode(code)}}, n)
		resp, _ := post(t, c, e.srv, "/accounts/password/reset/confirm/", url.Values{"code": {code}})
		if resp.Header.Get("Location") == "/accounts/password/reset/complete/" {
			t.Fatal("the right reset code worked after a burst of wrong ones")
		}
	})
	t.Run("reauth", func(t *testing.T) {
		e := newFlowEnv(t, account.Config{RateLimits: map[string]string{account.LimitReauthenticate: "off"}})
		u := e.srv.CreateUser(t, "tia", "tia@example.com", goodPassword)
		c := e.browser()
		location(t, login(t, c, e.srv, "tia", goodPassword))
		must(t, e.srv.DB.SetPassword(context.Background(), u.ID, "!unusable-password-marker-0123456789abcdef"))
		e.clock.Add(6 * time.Minute)
		location(t, must2(post(t, c, e.srv, "/accounts/reauthenticate/", url.Values{"action": {"send"}})))
		code := mailCode(t, e.mail(t, "tia@example.com", account.NoticeReauthenticationCode))
		e.burst(t, c, "/accounts/reauthenticate/", url.Values{"code": {wrongCode(code)}}, n)
		resp, _ := post(t, c, e.srv, "/accounts/reauthenticate/", url.Values{"code": {code}})
		if resp.StatusCode == http.StatusSeeOther {
			t.Fatal("the right reauthentication code worked after a burst of wrong ones")
		}
	})
}
