package mfa

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/user"
)

// A trusted browser carries a cookie (TrustCookieName) holding, for each
// user who trusted it, a fingerprint and when it was trusted, signed under
// a key derived from the secret key. The fingerprint is an HMAC over the
// user's id, password hash and authenticators (id, type, and what changes
// only when the factor is replaced: the sealed secret, a recovery set's
// salt), so a changed password, an added or removed factor or new recovery
// codes revoke every trust at once, and using a factor does not (allauth's
// MFA_TRUST_*).

// TrustCookieName is the cookie of trusted browsers (MFA_TRUST_COOKIE_NAME).
const TrustCookieName = "mfa_trusted"

const (
	trustPurpose     = "mfa.trust"
	trustSignPurpose = "mfa.trust_cookie"
	maxTrustEntries  = 5
)

// fingerprint is the user's security state, as trust covers it.
func (s *Service) fingerprint(ctx context.Context, u *user.User) (string, error) {
	as, err := s.Store.Authenticators(ctx, u.ID)
	if err != nil {
		return "", fmt.Errorf("mfa: trust: %w", err)
	}
	m := hmac.New(sha256.New, s.Account.Keys.Key(trustPurpose))
	field := func(b []byte) {
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(b)))
		m.Write(n[:])
		m.Write(b)
	}
	field([]byte(strconv.FormatInt(u.ID, 10)))
	field([]byte(u.Password))
	for _, a := range as {
		field([]byte(strconv.FormatInt(a.ID, 10) + "/" + a.Type))
		field(fingerprintSeed(a))
	}
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18]), nil
}

// fingerprintSeed is what of a's data the fingerprint covers: what
// changes when the factor is replaced, not when it is used (allauth's
// "seed"). A recovery-code set's salt is new with each set, while its
// hashes shrink as codes are spent; spending one must not untrust every
// browser.
func fingerprintSeed(a *Authenticator) []byte {
	if a.Type == TypeRecoveryCodes {
		if set, err := recoveryData(a); err == nil {
			return set.Salt
		}
	}
	return a.Data
}

// TrustCookie returns the value of the trust cookie once u trusts this
// browser: old, the cookie the browser carried, with u's entry added (the
// entries of other users of the browser that are still live kept, at most
// five), and when it expires.
func (s *Service) TrustCookie(ctx context.Context, u *user.User, old string) (string, time.Time, error) {
	fp, err := s.fingerprint(ctx, u)
	if err != nil {
		return "", time.Time{}, err
	}
	now := s.now()
	entries := []string{fp + ":" + strconv.FormatInt(now.Unix(), 10)}
	for _, e := range s.trustEntries(old) {
		if !strings.HasPrefix(e, fp+":") && len(entries) < maxTrustEntries {
			entries = append(entries, e)
		}
	}
	payload := strings.Join(entries, ",")
	return payload + "." + s.Account.Keys.Sign(trustSignPurpose, []byte(payload)), now.Add(s.TrustAge()), nil
}

// trustEntries returns the live entries of a trust cookie whose signature
// holds, none otherwise.
func (s *Service) trustEntries(cookie string) []string {
	i := strings.LastIndexByte(cookie, '.')
	if i < 0 || len(cookie) > 1024 || !s.Account.Keys.Verify(trustSignPurpose, []byte(cookie[:i]), cookie[i+1:]) {
		return nil
	}
	var live []string
	for _, e := range strings.Split(cookie[:i], ",") {
		_, ts, ok := strings.Cut(e, ":")
		at, err := strconv.ParseInt(ts, 10, 64)
		if ok && err == nil && s.now().Sub(time.Unix(at, 0)) < s.TrustAge() {
			live = append(live, e)
		}
	}
	return live
}

// Trusted reports whether cookie says this browser is trusted by u in u's
// present security state.
func (s *Service) Trusted(ctx context.Context, u *user.User, cookie string) (bool, error) {
	entries := s.trustEntries(cookie)
	if len(entries) == 0 {
		return false, nil
	}
	fp, err := s.fingerprint(ctx, u)
	if err != nil {
		return false, err
	}
	for _, e := range entries {
		if got, _, _ := strings.Cut(e, ":"); hmac.Equal([]byte(got), []byte(fp)) {
			return true, nil
		}
	}
	return false, nil
}

// PassTrusted passes l's second factor stage when cookie says the
// browser is trusted by l's user (Config.TrustEnabled); it reports whether
// it did. The caller saves l.
func (s *Service) PassTrusted(ctx context.Context, l *account.Login, cookie string, c account.Client) (bool, error) {
	if !s.Config.TrustEnabled || cookie == "" || l.User() == nil || l.Phantom {
		return false, nil
	}
	ok, err := s.Trusted(ctx, l.User(), cookie)
	if err != nil || !ok {
		return false, err
	}
	l.Pass(StageAuthenticate)
	l.Pass(StageTrust)
	s.Account.Event(ctx, "mfa_authenticated", l.UserID, c, "type", "trusted_browser")
	return true, nil
}
