package mfa

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/gatehouse-auth/gatehouse/user"
)

// WebAuthnConfig tunes security keys and passkeys (allauth's MFA_WEBAUTHN_*
// and MFA_PASSKEY_* settings). They are on when Config.SupportedTypes
// names TypeWebAuthn.
type WebAuthnConfig struct {
	// SiteURL is the site's origin ("https://example.com"): its host is
	// the relying party id, and an assertion must come from exactly this
	// origin. The root package sets it from its SiteURL.
	SiteURL string
	// SiteName is the relying party's name shown by the browser.
	SiteName string
	// AllowInsecureOrigin lets a plain-http SiteURL whose host is not
	// localhost serve WebAuthn (MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN; for a
	// development machine on a LAN name — browsers still refuse it
	// outside a secure context).
	AllowInsecureOrigin bool
	// PasskeyLogin offers "Sign in with a passkey" on the login page
	// (MFA_PASSKEY_LOGIN_ENABLED): a passkey with user verification signs
	// in on its own, the second factor included.
	PasskeyLogin bool
	// PasskeySignup offers signing up with a passkey and no password
	// (MFA_PASSKEY_SIGNUP_ENABLED), once the address is verified by code.
	PasskeySignup bool
}

// checkWebAuthn reports a WebAuthn configuration that cannot work.
func (c WebAuthnConfig) check() error {
	u, err := url.Parse(c.SiteURL)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("mfa: webauthn needs the site URL (scheme and host), got %q", c.SiteURL)
	}
	host := u.Hostname()
	if net.ParseIP(host) != nil {
		return fmt.Errorf("mfa: webauthn: the site URL's host %s is an IP address, which browsers refuse as a relying party id: use a name (localhost for development)", host)
	}
	if u.Scheme == "http" && host != "localhost" && !strings.HasSuffix(host, ".localhost") && !c.AllowInsecureOrigin {
		return fmt.Errorf("mfa: webauthn: the site URL %s is plain http on %s, which browsers refuse outside localhost: use https, or allow_insecure_origin for development", c.SiteURL, host)
	}
	return nil
}

// webauthnData is the Data of a TypeWebAuthn authenticator.
type webauthnData struct {
	Name string `json:"name"`
	// Credential is the public key and its state (sign count, flags).
	Credential webauthn.Credential `json:"credential"`
	// UserHandle is the user handle the credential was made with.
	UserHandle []byte `json:"user_handle"`
	// Passkey: a discoverable credential made with user verification,
	// which signs in on its own.
	Passkey bool `json:"passkey,omitempty"`
}

// WebAuthnKey is a user's security key or passkey, as the pages list it.
type WebAuthnKey struct {
	ID                    int64
	Name                  string
	Passkey               bool
	CreatedAt, LastUsedAt time.Time
}

// maxKeyName bounds a key's name.
const maxKeyName = 64

// Error codes of WebAuthn.
const (
	// CodeWebAuthnFailed: the browser's answer does not check out (another
	// origin, a used or expired challenge, an unknown credential, a bad
	// signature): try again.
	CodeWebAuthnFailed = "webauthn_failed"
	// CodeWebAuthnCloned: the key's signature counter went back, a sign
	// of a cloned authenticator; it is refused until the user removes it.
	CodeWebAuthnCloned = "webauthn_cloned"
	// CodeKeyName: a key's name is empty or too long.
	CodeKeyName = "webauthn_name"
)

// webauthnRP builds the relying party once.
type webauthnRP struct {
	once sync.Once
	w    *webauthn.WebAuthn
	err  error
}

func (s *Service) rp() (*webauthn.WebAuthn, error) {
	s.wa.once.Do(func() {
		if err := s.Config.WebAuthn.check(); err != nil {
			s.wa.err = err
			return
		}
		u, _ := url.Parse(s.Config.WebAuthn.SiteURL)
		name := s.Config.WebAuthn.SiteName
		if name == "" {
			name = u.Hostname()
		}
		s.wa.w, s.wa.err = webauthn.New(&webauthn.Config{
			RPID: u.Hostname(), RPDisplayName: name, RPOrigins: []string{u.Scheme + "://" + u.Host},
			Timeouts: webauthn.TimeoutsConfig{
				Login:        webauthn.TimeoutConfig{Enforce: true, Timeout: ceremonyTimeout, TimeoutUVD: ceremonyTimeout},
				Registration: webauthn.TimeoutConfig{Enforce: true, Timeout: ceremonyTimeout, TimeoutUVD: ceremonyTimeout},
			},
		})
	})
	return s.wa.w, s.wa.err
}

// ceremonyTimeout bounds a WebAuthn ceremony, from its options to the
// browser's answer.
const ceremonyTimeout = 5 * time.Minute

// waUser is a user as go-webauthn sees one: the handle a credential was
// made with and the user's credentials.
type waUser struct {
	u      *user.User
	handle []byte
	creds  []webauthn.Credential
}

func (w *waUser) WebAuthnID() []byte { return w.handle }
func (w *waUser) WebAuthnName() string {
	if w.u.Email != "" {
		return w.u.Email
	}
	return w.u.Username
}
func (w *waUser) WebAuthnDisplayName() string                { return w.u.Username }
func (w *waUser) WebAuthnCredentials() []webauthn.Credential { return w.creds }

// userHandle is the user handle of credentials made for u: an HMAC of the
// user id under a key derived from the secret key (nothing personal, the
// same for each of u's keys, so an authenticator keeps one passkey per
// account).
func (s *Service) userHandle(u *user.User) []byte {
	m := hmac.New(sha256.New, s.Account.Keys.Key("mfa.webauthn_user"))
	m.Write([]byte(strconv.FormatInt(u.ID, 10)))
	return m.Sum(nil)[:16]
}

// keysOf returns u's WebAuthn authenticators with their data.
func (s *Service) keysOf(ctx context.Context, u *user.User) ([]*Authenticator, []*webauthnData, error) {
	as, err := s.Store.Authenticators(ctx, u.ID)
	if err != nil {
		return nil, nil, fmt.Errorf("mfa: keys: %w", err)
	}
	return keysIn(as)
}

// keysIn picks the WebAuthn authenticators of as, with their data.
func keysIn(as []*Authenticator) ([]*Authenticator, []*webauthnData, error) {
	var out []*Authenticator
	var data []*webauthnData
	for _, a := range as {
		if a.Type != TypeWebAuthn {
			continue
		}
		var d webauthnData
		if err := json.Unmarshal(a.Data, &d); err != nil {
			return nil, nil, fmt.Errorf("mfa: key %d: %w", a.ID, err)
		}
		out, data = append(out, a), append(data, &d)
	}
	return out, data, nil
}

// WebAuthnKeys lists u's security keys and passkeys, oldest first.
func (s *Service) WebAuthnKeys(ctx context.Context, u *user.User) ([]WebAuthnKey, error) {
	as, ds, err := s.keysOf(ctx, u)
	if err != nil {
		return nil, err
	}
	return keyList(as, ds), nil
}

// keyList describes keys as the pages list them.
func keyList(as []*Authenticator, ds []*webauthnData) []WebAuthnKey {
	keys := make([]WebAuthnKey, len(as))
	for i, a := range as {
		keys[i] = WebAuthnKey{ID: a.ID, Name: ds[i].Name, Passkey: ds[i].Passkey, CreatedAt: a.CreatedAt, LastUsedAt: a.LastUsedAt}
	}
	return keys
}

// cleanKeyName trims a key's name and checks its length.
func cleanKeyName(name string) (string, error) {
	name = strings.Join(strings.Fields(name), " ")
	if name == "" || utf8.RuneCountInString(name) > maxKeyName {
		return "", fieldError("name", CodeKeyName)
	}
	return name, nil
}

// errWebAuthn is a ceremony that failed: the user's error, with the
// library's reason kept for the log.
func errWebAuthn(err error) error {
	var pe *protocol.Error
	if errors.As(err, &pe) {
		err = fmt.Errorf("%s: %s", pe.Type, pe.Details)
	}
	return webauthnError(err)
}
