package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/gatehouse-auth/gatehouse/mfa"
	"html/template"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/social"
	"github.com/gatehouse-auth/gatehouse/user"
)

// The templates are parsed the way the handlers parse them: the layouts, the
// partials and one page, then "base" is executed.
func parseTestPage(t *testing.T, name string) *template.Template {
	t.Helper()
	tmpl, err := template.New(name).Funcs(pageFuncs).ParseFS(os.DirFS("templates"),
		"layouts/*.html", "partials/*.html", path.Join("pages", name+".html"))
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return tmpl
}

type pageCase struct {
	name string // a variant's name, for messages
	page Page
}

var (
	testUser  = &user.User{ID: 1, Username: "alice", Email: "alice@example.com", IsActive: true}
	testAdmin = &user.User{ID: 2, Username: "root", IsActive: true, IsSuperuser: true}
)

var testButtons = []social.Button{
	{Provider: "github", Name: "GitHub", Icon: "github", LoginPath: "/accounts/github/login/"},
	{Provider: "openid_connect", AppID: "keycloak", Name: "Keycloak", Icon: "openid_connect", LoginPath: "/accounts/oidc/keycloak/login/"},
}

// pageCases are the variants every page is rendered in, for one language.
func pageCases(l *Localizer) []pageCase {
	base := func(name string, u *user.User) Page {
		return Page{
			L: l, Name: name, TitleKey: "title." + name, User: u,
			Path: "/some/path/?q=1&x=<y>", SiteName: "Gatehouse Demo",
			StaticPrefix: "/static/gatehouse/", Demo: true, PasswordMinLength: 8,
			URLs: &URLs{Home: "/", Dashboard: "/dashboard/", Login: "/accounts/login/", Signup: "/accounts/signup/",
				Logout: "/accounts/logout/", PasswordChange: "/accounts/password/change/", SetLang: "/i18n/setlang/", Secret: "/secret/",
				Sessions: "/accounts/sessions/", PasswordReset: "/accounts/password/reset/",
				ConfirmEmail: "/accounts/confirm-email/", Reauthenticate: "/accounts/reauthenticate/",
				Email: "/accounts/email/", PasswordSet: "/accounts/password/set/", MFA: "/accounts/2fa/"},
		}
	}
	withForm := func(p Page, f *Form) Page { p.Form = f; return p }
	withNext := func(p Page, next string) Page { p.Next = next; return p }
	flashes := []Flash{
		{Level: "success", Text: "Signed in."}, {Level: "info", Text: "Info."},
		{Level: "warning", Text: "Careful."}, {Level: "error", Text: "Broken."},
	}

	cases := []pageCase{
		{"home anonymous", base("home", nil)},
		{"home signed in", base("home", testUser)},
		{"login empty", withForm(base("login", nil), &Form{})},
		{"login nil form", base("login", nil)},
		{"login by username", func() Page {
			p := base("login", nil)
			p.Data = LoginData{Method: "username", AskRemember: true}
			return p
		}()},
		{"login by email", func() Page { p := base("login", nil); p.Data = LoginData{Method: "email"}; return p }()},
		{"login next", withNext(withForm(base("login", nil), &Form{}), "/secret/?a=1&b=2")},
		{"login errors", withForm(base("login", nil), &Form{
			Values:   map[string]string{"login": "alice", "remember": "on"},
			Errors:   map[string][]string{"login": {"Required."}, "password": {"Required."}},
			NonField: []string{"The username and/or password you specified are not correct."},
		})},
		{"signup empty", withForm(base("signup", nil), &Form{})},
		{"signup next", withNext(base("signup", nil), "/secret/")},
		{"signup email required", func() Page {
			p := base("signup", nil)
			p.Data = SignupData{EmailRequired: true, Fields: account.SignupFields{Username: true, UsernameRequired: true, Email: true, EmailRequired: true, Password2: true}}
			return p
		}()},
		{"signup email only, twice, honeypot", func() Page {
			p := withForm(base("signup", nil), &Form{Errors: map[string][]string{"email2": {"The two email addresses didn't match."}}})
			p.Data = SignupData{EmailRequired: true, Honeypot: "phone_number", Fields: account.SignupFields{Email: true, EmailRequired: true, Email2: true}}
			return p
		}()},
		{"signup_closed", base("signup_closed", nil)},
		{"inactive", base("inactive", nil)},
		{"login social", func() Page {
			p := withNext(withForm(base("login", nil), &Form{}), "/secret/")
			p.Data = LoginData{Method: "email", Social: testButtons}
			return p
		}()},
		{"signup social", func() Page {
			p := withForm(base("signup", nil), &Form{})
			p.Data = SignupData{Social: testButtons}
			return p
		}()},
		{"social_login", func() Page {
			p := withNext(base("social_login", nil), "/secret/")
			p.Data = SocialLoginData{Name: "GitHub", Action: "/accounts/github/login/", AppID: "second"}
			return p
		}()},
		{"social_login connect", func() Page {
			p := base("social_login", testUser)
			p.Data = SocialLoginData{Name: "Keycloak", Action: "/accounts/oidc/keycloak/login/", Process: "connect"}
			return p
		}()},
		{"social_telegram", func() Page {
			p := base("social_telegram", nil)
			p.Data = SocialLoginData{Name: "Telegram", Action: "/accounts/telegram/login/callback/", State: "abc"}
			return p
		}()},
		{"social_cancelled", base("social_cancelled", nil)},
		{"social_cancelled named", func() Page {
			p := base("social_cancelled", nil)
			p.Data = SocialCancelledData{Provider: "GitHub"}
			return p
		}()},
		{"social_error", func() Page { p := base("social_error", nil); p.Flashes = flashes[3:]; return p }()},
		{"social_signup", func() Page {
			p := withForm(base("social_signup", nil), &Form{Values: map[string]string{"username": "ann"}})
			p.Data = SocialSignupData{Pending: &social.PendingSignup{ProviderName: "GitHub", Username: "ann"}}
			return p
		}()},
		{"social_signup required taken errors", func() Page {
			p := withForm(base("social_signup", nil), &Form{Errors: map[string][]string{"username": {"Taken."}, "email": {"Required."}}})
			p.Data = SocialSignupData{Pending: &social.PendingSignup{ProviderName: "GitHub", EmailRequired: true, EmailTaken: true}}
			return p
		}()},
		{"social_connections", func() Page {
			p := withForm(base("social_connections", testUser), &Form{})
			p.URLs.Connections = "/accounts/3rdparty/"
			p.Data = ConnectionsData{Connections: []ConnectionRow{{ID: 4, Name: "GitHub", Label: "ann", Icon: "github"}},
				Buttons: testButtons, NeedPassword: true}
			return p
		}()},
		{"social_connections none", func() Page {
			p := withForm(base("social_connections", testUser), &Form{NonField: []string{"Nope."}})
			p.Data = ConnectionsData{}
			return p
		}()},
		{"login no remember", func() Page { p := withForm(base("login", nil), &Form{}); p.Data = LoginData{Method: "email"}; return p }()},
		{"signup errors", withForm(base("signup", nil), &Form{
			Values: map[string]string{"username": "alice", "email": "not-an-email"},
			Errors: map[string][]string{
				"username":  {"A user with that username already exists."},
				"email":     {"Enter a valid email address."},
				"password1": {"This password is too short.", "This password is too common."},
				"password2": {"The two password fields didn't match."},
			},
			NonField: []string{"Something else."},
		})},
		{"logout", base("logout", testUser)},
		{"password_change empty", withForm(base("password_change", testUser), &Form{})},
		{"password_change errors", withForm(base("password_change", testUser), &Form{
			Errors: map[string][]string{
				"oldpassword": {"Your old password was entered incorrectly."},
				"password1":   {"This password is entirely numeric."},
				"password2":   {"The two password fields didn't match."},
			},
		})},
		{"dashboard", func() Page {
			p := base("dashboard", testUser)
			p.Data = DashboardData{Groups: []string{"editors", "staff"}, Permissions: []string{"demo.view_secret", "blog.add_post"}}
			p.Flashes = flashes
			return p
		}()},
		{"dashboard empty", func() Page {
			p := base("dashboard", testUser)
			p.User = &user.User{ID: 3, Username: "bob"}
			p.Data = DashboardData{}
			return p
		}()},
		{"dashboard superuser", func() Page {
			p := base("dashboard", testAdmin)
			p.Data = DashboardData{Superuser: true, Groups: []string{"admins"}}
			return p
		}()},
		{"secret", base("secret", testUser)},
		{"sessions", func() Page {
			p := withForm(base("sessions", testUser), &Form{})
			p.Data = SessionsData{Sessions: []SessionRow{
				{ID: "a", Current: true, CreatedAt: "2026-11-29 10:00 UTC", LastSeen: "2026-11-29 10:05 UTC", IP: "192.0.2.1", UserAgent: "Firefox/133.0", Device: "Firefox 133"},
				{ID: "b", CreatedAt: "2026-11-28 09:00 UTC", LastSeen: "2026-11-28 09:30 UTC", IP: "198.51.100.7"},
			}}
			return p
		}()},
		{"sessions reauth", func() Page {
			p := withForm(base("sessions", testUser), &Form{NonField: []string{"Wrong."}})
			p.Data = SessionsData{NeedPassword: true, Sessions: []SessionRow{{ID: "a", Current: true}, {ID: "b"}}}
			return p
		}()},
		{"confirm_email no address", func() Page {
			p := withForm(base("confirm_email", nil), &Form{})
			p.Data = ConfirmEmailData{}
			return p
		}()},
		{"confirm_email link", func() Page {
			p := withForm(base("confirm_email", nil), &Form{})
			p.Data = ConfirmEmailData{Email: "ann@example.com"}
			return p
		}()},
		{"confirm_email code skippable errors", func() Page {
			p := withForm(base("confirm_email", nil), &Form{Errors: map[string][]string{"code": {"The code is not correct."}}})
			p.Data = ConfirmEmailData{Email: "ann@example.com", ByCode: true, Skippable: true}
			return p
		}()},
		{"confirm_email_key", func() Page {
			p := base("confirm_email_key", nil)
			p.Data = ConfirmEmailKeyData{Email: "ann@example.com"}
			return p
		}()},
		{"confirm_email_key invalid", func() Page { p := base("confirm_email_key", testUser); p.Data = ConfirmEmailKeyData{}; return p }()},
		{"password_reset", withForm(base("password_reset", nil), &Form{})},
		{"password_reset errors", withForm(base("password_reset", nil), &Form{Values: map[string]string{"email": "x"},
			Errors: map[string][]string{"email": {"Enter a valid email address."}}})},
		{"password_reset_done", base("password_reset_done", nil)},
		{"password_reset_key", func() Page {
			p := withForm(base("password_reset_key", nil), &Form{Errors: map[string][]string{"password1": {"Too short."}}})
			p.Data = ResetKeyData{Valid: true, Action: "/accounts/password/reset/key/1-set-password/"}
			return p
		}()},
		{"password_reset_key invalid", func() Page { p := base("password_reset_key", nil); p.Data = ResetKeyData{}; return p }()},
		{"password_reset_key_done", base("password_reset_key_done", nil)},
		{"password_reset_code", withForm(base("password_reset_code", nil), &Form{})},
		{"login by code", func() Page {
			p := withNext(withForm(base("login", nil), &Form{}), "/secret/")
			p.Data = LoginData{Method: "username_email", ByCode: true}
			return p
		}()},
		{"login_code", withNext(withForm(base("login_code", nil), &Form{}), "/secret/")},
		{"login_code_confirm", func() Page {
			p := withForm(base("login_code_confirm", nil), &Form{Errors: map[string][]string{"code": {"The code is not correct."}}})
			p.Data = LoginCodeData{Email: "ann@example.com"}
			return p
		}()},
		{"email", func() Page {
			p := withForm(base("email", testUser), &Form{NonField: []string{"The primary address cannot be removed."}})
			p.Data = EmailData{HasVerified: true, Emails: []EmailRow{
				{Email: "alice@example.com", Verified: true, Primary: true},
				{Email: "alice.work@example.com", Verified: true},
				{Email: "a.very.long.address.that.might.overflow@subdomain.example.com"},
			}}
			return p
		}()},
		{"email change mode empty", func() Page {
			p := withForm(base("email", testUser), &Form{Values: map[string]string{"email": "x"}, Errors: map[string][]string{"email": {"Enter a valid email address."}}})
			p.Data = EmailData{ChangeEmail: true}
			return p
		}()},
		{"email_cancel", func() Page {
			p := base("email_cancel", nil)
			p.Data = ConfirmEmailKeyData{Email: "typo@exmaple.com"}
			return p
		}()},
		{"email_cancel invalid", func() Page { p := base("email_cancel", nil); p.Data = ConfirmEmailKeyData{}; return p }()},
		{"password_set", withForm(base("password_set", &user.User{ID: 4, Username: "social", Password: "!unusable"}), &Form{})},
		{"reauthenticate password", func() Page {
			p := withNext(withForm(base("reauthenticate", testUser), &Form{Errors: map[string][]string{"password": {"Wrong."}}}), "/accounts/sessions/")
			p.Data = ReauthData{}
			return p
		}()},
		{"reauthenticate send code", func() Page {
			p := withForm(base("reauthenticate", testUser), &Form{})
			p.Data = ReauthData{ByCode: true, Email: "alice@example.com"}
			return p
		}()},
		{"reauthenticate with providers", func() Page {
			p := withNext(withForm(base("reauthenticate", testUser), &Form{}), "/accounts/3rdparty/")
			p.Data = ReauthData{ByCode: true, Email: "alice@example.com", Social: testButtons}
			return p
		}()},
		{"reauthenticate code", func() Page {
			p := withForm(base("reauthenticate", testUser), &Form{})
			p.Data = ReauthData{ByCode: true, CodeSent: true, Email: "alice@example.com"}
			return p
		}()},
		{"reauthenticate with mfa", func() Page {
			p := withNext(withForm(base("reauthenticate", testUser), &Form{}), "/accounts/2fa/totp/deactivate/")
			p.Data = ReauthData{MFA: "/accounts/2fa/reauthenticate/"}
			return p
		}()},
		{"mfa_index off", func() Page {
			p := base("mfa_index", testUser)
			p.Data = MFAIndexData{Status: &mfa.Status{}, RecoverySupported: true}
			return p
		}()},
		{"mfa_index unverified", func() Page {
			p := base("mfa_index", testUser)
			p.Data = MFAIndexData{Status: &mfa.Status{}, RecoverySupported: true, UnverifiedEmail: true}
			return p
		}()},
		{"mfa_index on", func() Page {
			p := base("mfa_index", testUser)
			st := &mfa.Status{TOTP: &mfa.Authenticator{ID: 1}, Recovery: &mfa.Authenticator{ID: 2}, RecoveryLeft: 7, Total: 10}
			p.Data = MFAIndexData{Status: st, RecoverySupported: true, Added: "2026-12-01 10:00 UTC", LastUsed: "2026-12-06 09:00 UTC"}
			return p
		}()},
		{"mfa_index required", func() Page {
			p := base("mfa_index", testUser)
			p.Data = MFAIndexData{Status: &mfa.Status{TOTP: &mfa.Authenticator{ID: 1}, Required: true}, Added: "2026-12-01 10:00 UTC"}
			return p
		}()},
		{"mfa_authenticate", func() Page {
			p := withForm(base("mfa_authenticate", nil), &Form{Errors: map[string][]string{"code": {"The code is not correct."}}})
			p.Data = MFAAuthenticateData{Recovery: true, Code: true}
			return p
		}()},
		{"mfa_reauthenticate", func() Page {
			p := withNext(withForm(base("mfa_reauthenticate", testUser), &Form{}), "/accounts/2fa/totp/deactivate/")
			p.Data = MFAReauthData{Recovery: true}
			return p
		}()},
		{"mfa_trust", func() Page { p := base("mfa_trust", nil); p.Data = MFATrustData{Days: 14}; return p }()},
		{"mfa_totp_activate", func() Page {
			p := withForm(base("mfa_totp_activate", testUser), &Form{})
			p.Data = MFAActivateData{Secret: "JBSW Y3DP EHPK 3PXP", State: "c3RhdGU", QR: "data:image/png;base64,iVBORw0KGgo="}
			return p
		}()},
		{"mfa_totp_activate at login", func() Page {
			p := withForm(base("mfa_totp_activate", nil), &Form{})
			p.Data = MFAActivateData{Secret: "JBSW Y3DP EHPK 3PXP", State: "c3RhdGU", QR: "data:image/png;base64,iVBORw0KGgo=", AtLogin: true}
			return p
		}()},
		{"mfa_totp_activate expired", func() Page {
			p := withForm(base("mfa_totp_activate", testUser), &Form{NonField: []string{"This setup expired."}})
			p.Data = MFAActivateData{}
			return p
		}()},
		{"mfa_totp_deactivate", withForm(base("mfa_totp_deactivate", testUser), &Form{})},
		{"mfa_recovery_generate", withForm(base("mfa_recovery_generate", testUser), &Form{})},
		{"mfa_recovery_codes new", func() Page {
			p := base("mfa_recovery_codes", testUser)
			p.Data = MFARecoveryData{Codes: []string{"12345678", "23456789"}, Download: "c2VhbGVk", Left: 2, Total: 2, Enabled: true, Activated: true}
			return p
		}()},
		{"mfa_recovery_codes at login", func() Page {
			p := base("mfa_recovery_codes", nil)
			p.Data = MFARecoveryData{Codes: []string{"12345678"}, Download: "c2VhbGVk", Left: 1, Total: 1, Enabled: true, Activated: true, AtLogin: true}
			return p
		}()},
		{"mfa_recovery_codes count", func() Page {
			p := base("mfa_recovery_codes", testUser)
			p.Data = MFARecoveryData{Left: 3, Total: 10, Enabled: true}
			return p
		}()},
		{"mfa_recovery_codes off", func() Page { p := base("mfa_recovery_codes", testUser); p.Data = MFARecoveryData{}; return p }()},
		{"mfa_authenticate key and code", func() Page {
			p := withForm(base("mfa_authenticate", nil), &Form{NonField: []string{"The key's answer could not be checked."}})
			p.Data = MFAAuthenticateData{Recovery: true, Code: true, WebAuthn: `{"publicKey":{"challenge":"AAEC","rpId":"gatehouse.example"}}`}
			return p
		}()},
		{"mfa_webauthn", func() Page {
			p := base("mfa_webauthn", testUser)
			p.Data = WebAuthnKeysData{Passkeys: true, Keys: []WebAuthnKeyRow{{ID: 3, Name: "YubiKey 5C", Added: "2026-12-01 10:00 UTC"},
				{ID: 4, Name: "Pixel passkey", Passkey: true, Added: "2026-12-02 10:00 UTC", LastUsed: "2026-12-06 09:00 UTC"}}}
			return p
		}()},
		{"mfa_webauthn none", func() Page { p := base("mfa_webauthn", testUser); p.Data = WebAuthnKeysData{}; return p }()},
		{"mfa_webauthn_add", func() Page {
			p := withForm(base("mfa_webauthn_add", testUser), &Form{})
			p.Data = WebAuthnCeremonyData{Options: `{"publicKey":{"challenge":"AAEC","rpId":"gatehouse.example"}}`}
			return p
		}()},
		{"mfa_webauthn_add passkey at signup", func() Page {
			p := withForm(base("mfa_webauthn_add", nil), &Form{Errors: map[string][]string{"name": {"Give the key a name."}}})
			p.Data = WebAuthnCeremonyData{Options: `{"publicKey":{"challenge":"AAEC","rpId":"gatehouse.example"}}`, Passkey: true, AtLogin: true}
			return p
		}()},
		{"mfa_webauthn_edit", func() Page {
			p := withForm(base("mfa_webauthn_edit", testUser), &Form{Values: map[string]string{"name": "YubiKey"}})
			p.Data = WebAuthnKeyData{Key: WebAuthnKeyRow{ID: 3, Name: "YubiKey"}}
			return p
		}()},
		{"mfa_webauthn_remove", func() Page {
			p := withForm(base("mfa_webauthn_remove", testUser), &Form{})
			p.Data = WebAuthnKeyData{Key: WebAuthnKeyRow{ID: 3, Name: "YubiKey"}}
			return p
		}()},
		{"mfa_webauthn_reauthenticate", func() Page {
			p := withNext(withForm(base("mfa_webauthn_reauthenticate", testUser), &Form{}), "/accounts/sessions/")
			p.Data = WebAuthnCeremonyData{Options: `{"publicKey":{"challenge":"AAEC","rpId":"gatehouse.example"}}`}
			return p
		}()},
		{"mfa_webauthn_login", func() Page {
			p := withNext(withForm(base("mfa_webauthn_login", nil), &Form{}), "/secret/")
			p.Data = WebAuthnCeremonyData{Options: `{"publicKey":{"challenge":"AAEC","rpId":"gatehouse.example"}}`}
			return p
		}()},
		{"signup_passkey", func() Page {
			p := withForm(base("signup_passkey", nil), &Form{})
			p.Data = PasskeySignupData{Fields: account.SignupFields{Username: true, UsernameRequired: true, Email: true, EmailRequired: true}}
			return p
		}()},
		{"login with passkey", func() Page {
			p := withNext(withForm(base("login", nil), &Form{}), "/secret/")
			p.Data = LoginData{Method: "username_email", Passkey: true}
			return p
		}()},
		{"signup with passkey link", func() Page {
			p := withForm(base("signup", nil), &Form{})
			p.Data = SignupData{Fields: account.SignupFields{Username: true, UsernameRequired: true, Email: true}, PasskeySignup: true}
			return p
		}()},
		{"error nil data", func() Page { p := base("error", nil); p.Status = 500; return p }()},
	}
	for _, status := range errorStatuses {
		for _, u := range []*user.User{nil, testUser} {
			p := base("error", u)
			p.Status = status
			p.Data = ErrorData{TitleKey: fmt.Sprintf("error.http_%d.title", status), MessageKey: fmt.Sprintf("error.http_%d.message", status)}
			p.Flashes = flashes[:1]
			cases = append(cases, pageCase{fmt.Sprintf("error %d user=%v", status, u != nil), p})
		}
	}
	return cases
}

var errorStatuses = []int{400, 403, 404, 405, 413, 415, 429, 500}

func loadTestCatalogs(t *testing.T) *Catalogs {
	t.Helper()
	cats, err := LoadCatalogs(os.DirFS("."))
	if err != nil {
		t.Fatal(err)
	}
	return cats
}

func TestTemplatesRender(t *testing.T) {
	cats := loadTestCatalogs(t)
	pages := glob(t, "templates/pages/*.html")
	covered := map[string]bool{}
	for _, lang := range Languages {
		for _, c := range pageCases(cats.Localizer(lang)) {
			covered[c.page.Name] = true
			t.Run(lang+"/"+c.name, func(t *testing.T) {
				var buf bytes.Buffer
				if err := parseTestPage(t, c.page.Name).ExecuteTemplate(&buf, "base", c.page); err != nil {
					t.Fatalf("execute: %v", err)
				}
				checkHTML(t, buf.String(), c.page)
			})
		}
	}
	for _, p := range pages {
		if name := strings.TrimSuffix(path.Base(p), ".html"); !covered[name] {
			t.Errorf("page %s has no test case", name)
		}
	}
}

var reOwnScript = regexp.MustCompile(`<script src="/static/gatehouse/[a-z-]+\.js" defer></script>`)

var (
	reTag       = regexp.MustCompile(`(?s)<(input|label|button|select|textarea)\b([^>]*)>`)
	reAttr      = regexp.MustCompile(`([a-zA-Z][\w:-]*)(?:="([^"]*)")?`)
	reID        = regexp.MustCompile(`\sid="([^"]+)"`)
	rePlacehold = regexp.MustCompile(`\{[a-z_]+\}`)
)

func attrs(s string) map[string]string {
	m := map[string]string{}
	for _, a := range reAttr.FindAllStringSubmatch(s, -1) {
		m[a[1]] = a[2]
	}
	return m
}

// checkHTML asserts the accessibility and CSP rules every page keeps.
func checkHTML(t *testing.T, html string, p Page) {
	t.Helper()
	ids := map[string]int{}
	for _, m := range reID.FindAllStringSubmatch(html, -1) {
		ids[m[1]]++
	}
	for id, n := range ids {
		if n > 1 {
			t.Errorf("id %q used %d times", id, n)
		}
	}
	labels := map[string]bool{}
	type tag struct {
		kind  string
		attrs map[string]string
	}
	var tags []tag
	for _, m := range reTag.FindAllStringSubmatch(html, -1) {
		a := attrs(m[2])
		tags = append(tags, tag{m[1], a})
		if m[1] == "label" && a["for"] != "" {
			labels[a["for"]] = true
		}
	}
	for _, tg := range tags {
		a := tg.attrs
		if tg.kind == "input" {
			_, hiddenAttr := a["hidden"]
			if a["type"] != "hidden" && !hiddenAttr {
				if a["id"] == "" || !labels[a["id"]] {
					t.Errorf("input name=%q has no <label for>", a["name"])
				}
			}
			if len(p.Form.FieldErrors(a["name"])) > 0 {
				if a["aria-invalid"] != "true" {
					t.Errorf("input %q has errors but no aria-invalid", a["name"])
				}
				if !slices.Contains(strings.Fields(a["aria-describedby"]), "id_"+a["name"]+"_error") {
					t.Errorf("input %q: aria-describedby %q misses its error", a["name"], a["aria-describedby"])
				}
			} else if _, ok := a["aria-invalid"]; ok {
				t.Errorf("input %q is aria-invalid without errors", a["name"])
			}
		}
		for _, ref := range strings.Fields(a["aria-describedby"]) {
			if ids[ref] == 0 {
				t.Errorf("%s %q: aria-describedby names missing id %q", tg.kind, a["name"], ref)
			}
		}
		if f := a["for"]; tg.kind == "label" && ids[f] == 0 {
			t.Errorf("label for=%q names no element", f)
		}
	}
	if n := strings.Count(html, "<h1"); n != 1 {
		t.Errorf("%d <h1> elements, want 1", n)
	}
	// A script file of our own (src under the static prefix, no body) is
	// what CSP's script-src 'self' allows; nothing inline is.
	scriptless := reOwnScript.ReplaceAllString(html, "")
	for _, bad := range []string{"<script", "<style", " style=", " onclick=", "javascript:"} {
		if strings.Contains(scriptless, bad) {
			t.Errorf("page contains %q (CSP: no inline scripts or styles)", bad)
		}
	}
	if m := rePlacehold.FindString(html); m != "" {
		t.Errorf("unfilled placeholder %s", m)
	}
	for _, want := range []string{
		`<html lang="` + p.L.Lang + `">`, `<main id="main"`, `<header`, `<nav`, `<footer`,
		`href="/static/gatehouse/gatehouse.css"`, `class="gh-skip" href="#main"`,
		`action="/i18n/setlang/"`, `name="language" value="en"`, `name="language" value="ru"`,
		`name="next" value="/some/path/?q=1&amp;x=&lt;y&gt;"`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if !strings.Contains(html, `value="`+p.L.Lang+`" lang="`+p.L.Lang+`" aria-pressed="true"`) {
		t.Errorf("the current language %s is not marked pressed", p.L.Lang)
	}
	for _, f := range p.Flashes {
		role := "status"
		if f.Level == "error" || f.Level == "warning" {
			role = "alert"
		}
		if !strings.Contains(html, `gh-alert--`+f.Level+`" role="`+role+`"`) {
			t.Errorf("flash %s lacks role=%s", f.Level, role)
		}
	}
	if p.Form != nil && len(p.Form.NonField) > 0 && !strings.Contains(html, `role="alert" id="form-errors"`) {
		t.Error("non-field errors are not in a role=alert box")
	}
	if p.User != nil && !strings.Contains(html, `href="/accounts/logout/"`) {
		t.Error("signed-in page has no log out link")
	}
	if p.User == nil && !strings.Contains(html, `href="/accounts/login/"`) {
		t.Error("anonymous page has no log in link")
	}
	if p.Next != "" && p.Name == "login" && !strings.Contains(html, `name="next" value="`+template.HTMLEscapeString(p.Next)+`"`) {
		t.Error("login form does not carry next")
	}
}

func TestStylesheetsAfterOurs(t *testing.T) {
	cats := loadTestCatalogs(t)
	p := Page{L: cats.Localizer("en"), Name: "home", TitleKey: "title.home", SiteName: "S", URLs: &URLs{},
		StaticPrefix: "/assets/", Stylesheets: []string{"/site.css"}}
	var buf bytes.Buffer
	if err := parseTestPage(t, "home").ExecuteTemplate(&buf, "base", p); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	ours, theirs := strings.Index(html, `href="/assets/gatehouse.css"`), strings.Index(html, `href="/site.css"`)
	if ours < 0 || theirs < ours {
		t.Errorf("site stylesheet must come after ours (ours at %d, site at %d)", ours, theirs)
	}
	if !strings.Contains(html, "<title>Welcome · S</title>") {
		t.Errorf("title: %s", html[strings.Index(html, "<title>"):strings.Index(html, "</title>")])
	}
}

// glob lists the files matching pattern, failing the test when there are none.
func glob(t *testing.T, pattern string) []string {
	t.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		t.Fatalf("glob %s: %v (%d files)", pattern, err, len(files))
	}
	return files
}

var reKeyUse = regexp.MustCompile(`\.L\.[TN] "([^"]+)"`)

// templateKeys returns every catalog key the templates name literally.
func templateKeys(t *testing.T) []string {
	t.Helper()
	set := map[string]bool{}
	for _, pattern := range []string{"layouts/*.html", "partials/*.html", "pages/*.html", "mail/*.html", "mail/*.txt"} {
		files := glob(t, filepath.Join("templates", pattern))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range reKeyUse.FindAllStringSubmatch(string(b), -1) {
				set[m[1]] = true
			}
		}
	}
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func TestTemplateKeysInCatalogs(t *testing.T) {
	cats := loadTestCatalogs(t)
	keys := templateKeys(t)
	if len(keys) < 50 {
		t.Fatalf("found only %d keys in templates; is the pattern right?", len(keys))
	}
	// Keys the handlers pass in: page titles and error texts.
	for _, p := range []string{"home", "login", "signup", "logout", "password_change", "dashboard", "secret", "error",
		"confirm_email", "confirm_email_key", "password_reset", "password_reset_done", "password_reset_key",
		"password_reset_key_done", "password_reset_code", "reauthenticate", "sessions", "email", "email_cancel", "password_set", "login_code", "login_code_confirm", "signup_closed", "inactive",
		"social_login", "social_telegram", "social_cancelled", "social_error", "social_signup", "social_connections"} {
		keys = append(keys, "title."+p)
	}
	for _, s := range errorStatuses {
		keys = append(keys, fmt.Sprintf("error.http_%d.title", s), fmt.Sprintf("error.http_%d.message", s))
	}
	for _, lang := range Languages {
		have := map[string]bool{}
		for _, k := range cats.Keys(lang) {
			have[k] = true
		}
		for _, k := range keys {
			if !have[k] {
				t.Errorf("%s catalog lacks %q", lang, k)
			}
		}
	}
}

func readUI(t *testing.T, lang string) map[string]json.RawMessage {
	t.Helper()
	b, err := os.ReadFile(path.Join("locales", lang, "ui.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s/ui.json: %v", lang, err)
	}
	return m
}

var uiPrefixes = []string{"nav.", "home.", "login.", "signup.", "logout.", "password_change.",
	"dashboard.", "secret.", "sessions.", "error.", "footer.", "lang.", "title.", "new_password.",
	"confirm_email.", "confirm_email_key.", "password_reset.", "password_reset_done.", "password_reset_key.",
	"password_reset_key_done.", "password_reset_code.", "reauthenticate.", "account_nav.", "email.", "email_cancel.",
	"password_set.", "login_code.", "login_code_confirm.", "signup_closed.", "inactive.",
	"social.", "social_login.", "social_telegram.", "social_cancelled.", "social_error.", "social_signup.", "connections.",
	"mfa.", "mfa_index.", "mfa_authenticate.", "mfa_reauthenticate.", "mfa_trust.", "mfa_activate.", "mfa_deactivate.",
	"mfa_generate.", "mfa_recovery.", "webauthn."}

func TestUICatalogsMatch(t *testing.T) {
	en, ru := readUI(t, "en"), readUI(t, "ru")
	for k := range en {
		if _, ok := ru[k]; !ok {
			t.Errorf("ru/ui.json lacks %q", k)
		}
		if !slices.ContainsFunc(uiPrefixes, func(p string) bool { return strings.HasPrefix(k, p) }) {
			t.Errorf("key %q has no known area prefix", k)
		}
	}
	for k := range ru {
		if _, ok := en[k]; !ok {
			t.Errorf("en/ui.json lacks %q", k)
		}
	}
	// Plural entries carry every form their language needs, and the same
	// placeholders appear in both languages.
	forms := map[string][]string{"en": {"one", "other"}, "ru": {"one", "few", "many", "other"}}
	for lang, cat := range map[string]map[string]json.RawMessage{"en": en, "ru": ru} {
		for k, raw := range cat {
			var s string
			if json.Unmarshal(raw, &s) == nil {
				if other, ok := map[string]map[string]json.RawMessage{"en": ru, "ru": en}[lang][k]; ok {
					var o string
					if json.Unmarshal(other, &o) == nil && !slices.Equal(placeholders(s), placeholders(o)) {
						t.Errorf("%q: placeholders differ between languages: %q vs %q", k, s, o)
					}
				}
				continue
			}
			var pl map[string]string
			if err := json.Unmarshal(raw, &pl); err != nil {
				t.Errorf("%s %q: neither string nor plural forms", lang, k)
				continue
			}
			for _, f := range forms[lang] {
				if !strings.Contains(pl[f], "{n}") {
					t.Errorf("%s %q: form %q missing or without {n}", lang, k, f)
				}
			}
		}
	}
}

func placeholders(s string) []string {
	p := rePlacehold.FindAllString(s, -1)
	sort.Strings(p)
	return p
}

func TestRussianPlurals(t *testing.T) {
	l := loadTestCatalogs(t).Localizer("ru")
	for n, want := range map[int]string{1: "1 группа", 3: "3 группы", 5: "5 групп", 11: "11 групп", 21: "21 группа", 0: "0 групп"} {
		if got := l.N("dashboard.groups_count", n); got != want {
			t.Errorf("N(groups, %d) = %q, want %q", n, got, want)
		}
	}
}
