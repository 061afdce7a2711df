package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/keys"
	"github.com/gatehouse-auth/gatehouse/mfa"
	"github.com/gatehouse-auth/gatehouse/session"
	"github.com/gatehouse-auth/gatehouse/sqlstore"
)

const mfaTestKey = "a-secret-key-for-the-mfa-cli-tests-0123456789"

const mfaTestSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

// addFactors gives the user an authenticator app and recovery codes, one
// of them used, and a session; it returns the codes.
func addFactors(t *testing.T, db *sqlstore.DB, userID int64) []string {
	t.Helper()
	ctx := context.Background()
	ring, err := keys.New([]byte(mfaTestKey))
	if err != nil {
		t.Fatal(err)
	}
	created := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	if err := db.AddAuthenticator(ctx, &mfa.Authenticator{UserID: userID, Type: mfa.TypeTOTP,
		Data: mfa.SealTOTPSecret(ring, userID, mfaTestSecret), CreatedAt: created, LastUsedAt: created.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	codes, set, err := mfa.Recovery{}.New(mfa.RecoveryKey(ring))
	if err != nil {
		t.Fatal(err)
	}
	set.Use(mfa.RecoveryKey(ring), codes[0])
	if err := db.AddAuthenticator(ctx, &mfa.Authenticator{UserID: userID, Type: mfa.TypeRecoveryCodes,
		Data: mfa.RecoveryData(set), CreatedAt: created}); err != nil {
		t.Fatal(err)
	}
	_, id := session.NewToken()
	now := time.Now()
	if err := db.Save(ctx, session.Session{ID: id, UserID: userID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour), AuthAt: now}); err != nil {
		t.Fatal(err)
	}
	return codes
}

// TestUserMFACommands: user mfa lists a user's factors without a secret,
// in text and JSON; user mfa-reset asks first, and removes them all and
// ends the sessions only on yes or with --yes.
func TestUserMFACommands(t *testing.T) {
	c := newCLI(t)
	c.env["GATEHOUSE_SECRET_KEY"] = mfaTestKey
	c.ok("", "user", "create", "ann", "--no-password")
	c.ok("", "user", "create", "bob", "--no-password")
	db := openCLIDB(t, c)
	ctx := context.Background()
	ann, err := db.UserByUsername(ctx, "ann")
	if err != nil {
		t.Fatal(err)
	}
	codes := addFactors(t, db, ann.ID)
	sessions := func() int {
		ss, err := db.ListUser(ctx, ann.ID)
		if err != nil {
			t.Fatal(err)
		}
		return len(ss)
	}
	factors := func() int {
		as, err := db.Authenticators(ctx, ann.ID)
		if err != nil {
			t.Fatal(err)
		}
		return len(as)
	}

	out := c.ok("", "user", "mfa", "ann")
	for _, want := range []string{"TYPE", "CREATED", "LAST USED", "totp", "recovery_codes", "9 of 10 left",
		"2025-03-04T05:06:07Z", "2025-03-04T06:06:07Z", "never"} {
		if !strings.Contains(out, want) {
			t.Errorf("user mfa lacks %q:\n%s", want, out)
		}
	}
	var j userMFAJSON
	jsonOut := c.ok("", "user", "mfa", "ann", "--json")
	if err := json.Unmarshal([]byte(jsonOut), &j); err != nil || j.Username != "ann" || len(j.Authenticators) != 2 {
		t.Fatalf("user mfa --json: %+v, %v\n%s", j, err, jsonOut)
	}
	if rc := j.Authenticators[1]; rc.Type != mfa.TypeRecoveryCodes || *rc.CodesLeft != 9 || *rc.CodesTotal != 10 || rc.LastUsedAt != nil {
		t.Errorf("recovery codes %+v", rc)
	}
	if app := j.Authenticators[0]; app.CodesLeft != nil || app.LastUsedAt == nil || strings.Contains(jsonOut, `"recovery_codes_left": null`) {
		t.Errorf("app %+v", app)
	}
	for _, o := range []string{out, jsonOut} {
		for _, secret := range append([]string{mfaTestSecret}, codes...) {
			if strings.Contains(o, secret) {
				t.Errorf("user mfa shows the secret %q", secret)
			}
		}
	}
	if out := c.ok("", "user", "mfa", "bob"); !strings.Contains(out, "bob has no two-factor authenticators") {
		t.Errorf("user mfa bob: %s", out)
	}
	if out := c.ok("", "user", "mfa", "bob", "--json"); !strings.Contains(out, `"authenticators": []`) {
		t.Errorf("user mfa bob --json: %s", out)
	}
	c.fails(`user "nobody" does not exist`, "user", "mfa", "nobody")

	// No terminal and no --yes: refused; "n": cancelled. Nothing goes.
	c.fails("pass --yes", "user", "mfa-reset", "ann")
	if out := c.ok("n\n", "user", "mfa-reset", "ann"); !strings.Contains(out, "Cancelled") {
		t.Errorf("mfa-reset answered n: %s", out)
	}
	if factors() != 2 || sessions() != 1 {
		t.Fatalf("refused resets removed something: %d factors, %d sessions", factors(), sessions())
	}
	_, stderr, err := c.run3("y\n", "user", "mfa-reset", "ann")
	if err != nil || !strings.Contains(stderr, "Remove the 2 two-factor authenticators of ann") {
		t.Fatalf("mfa-reset: %v, stderr %q", err, stderr)
	}
	if factors() != 0 || sessions() != 0 {
		t.Fatalf("after the reset: %d factors, %d sessions", factors(), sessions())
	}
	if out := c.ok("", "user", "mfa-reset", "ann", "--yes"); !strings.Contains(out, "nothing to remove") {
		t.Errorf("second reset: %s", out)
	}

	// --yes asks nothing; the reset works with two-factor turned off too,
	// and logs its security event.
	addFactors(t, db, ann.ID)
	c.env["GATEHOUSE_MFA_ENABLED"] = "false"
	c.env["GATEHOUSE_LOG_LEVEL"] = "info"
	out, stderr, err = c.run3("", "user", "mfa-reset", "ann", "--yes")
	if err != nil || !strings.Contains(out, "Removed 2 two-factor authenticators of ann") || factors() != 0 || sessions() != 0 {
		t.Fatalf("mfa-reset --yes: %v, %q, %d factors, %d sessions", err, out, factors(), sessions())
	}
	if !strings.Contains(stderr, "mfa_reset_by_operator") || strings.Contains(stderr, "Remove the") {
		t.Errorf("mfa-reset --yes stderr: %q", stderr)
	}
}

// TestMFASettings: the mfa.* settings, from the file or GATEHOUSE_MFA_*,
// reach Config.MFA; config shows them; a bad value is a one-line error.
func TestMFASettings(t *testing.T) {
	env := map[string]string{
		"GATEHOUSE_MFA_SUPPORTED_TYPES":        "totp",
		"GATEHOUSE_MFA_TOTP_PERIOD":            "60",
		"GATEHOUSE_MFA_TOTP_DIGITS":            "8",
		"GATEHOUSE_MFA_TOTP_TOLERANCE":         "1",
		"GATEHOUSE_MFA_TOTP_ISSUER":            "Example",
		"GATEHOUSE_MFA_RECOVERY_CODE_COUNT":    "12",
		"GATEHOUSE_MFA_RECOVERY_CODE_DIGITS":   "10",
		"GATEHOUSE_MFA_TRUST_ENABLED":          "true",
		"GATEHOUSE_MFA_TRUST_COOKIE_AGE":       "604800",
		"GATEHOUSE_MFA_REQUIRED":               "staff",
		"GATEHOUSE_MFA_REQUIRED_GROUPS":        "admins, ops",
		"GATEHOUSE_MFA_ALLOW_UNVERIFIED_EMAIL": "true",
	}
	s := defaultSettings()
	s.loadEnv(func(k string) string { return env[k] })
	cfg, err := gatehouseConfig(s, nil, slog.New(slog.NewTextHandler(io.Discard, nil)), []byte(mfaTestKey))
	if err != nil {
		t.Fatal(err)
	}
	m := cfg.MFA
	if len(m.SupportedTypes) != 1 || m.SupportedTypes[0] != "totp" ||
		m.TOTP != (mfa.TOTP{Period: time.Minute, Digits: 8, Tolerance: 1, Issuer: "Example"}) ||
		m.Recovery != (mfa.Recovery{Count: 12, Digits: 10}) || !m.TrustEnabled || m.TrustAge != 7*24*time.Hour ||
		m.Required != mfa.RequiredStaff || strings.Join(m.RequiredGroups, "|") != "admins|ops" || !m.AllowUnverifiedEmail || cfg.NoMFA {
		t.Errorf("Config.MFA %+v, NoMFA %v", m, cfg.NoMFA)
	}

	// The defaults are allauth's.
	cfg, err = gatehouseConfig(defaultSettings(), nil, slog.New(slog.NewTextHandler(io.Discard, nil)), []byte(mfaTestKey))
	if err != nil {
		t.Fatal(err)
	}
	m = cfg.MFA
	if len(m.SupportedTypes) != 2 || m.TOTP != (mfa.TOTP{Period: 30 * time.Second, Digits: 6}) || m.Recovery != (mfa.Recovery{Count: 10, Digits: 8}) ||
		m.TrustEnabled || m.TrustAge != 14*24*time.Hour || m.Required != mfa.RequiredOff || m.RequiredGroups != nil || m.AllowUnverifiedEmail || cfg.NoMFA {
		t.Errorf("default Config.MFA %+v", m)
	}

	// Security keys and passkeys.
	env = map[string]string{
		"GATEHOUSE_MFA_SUPPORTED_TYPES":                "webauthn, recovery_codes",
		"GATEHOUSE_MFA_PASSKEY_LOGIN_ENABLED":          "true",
		"GATEHOUSE_MFA_PASSKEY_SIGNUP_ENABLED":         "true",
		"GATEHOUSE_MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN": "true",
	}
	s = defaultSettings()
	s.loadEnv(func(k string) string { return env[k] })
	if m, _, err := mfaConfig(s); err != nil || strings.Join(m.SupportedTypes, ",") != "webauthn,recovery_codes" ||
		m.WebAuthn != (mfa.WebAuthnConfig{PasskeyLogin: true, PasskeySignup: true, AllowInsecureOrigin: true}) {
		t.Errorf("webauthn Config.MFA %+v, %v", m, err)
	}
	if m, _, err := mfaConfig(defaultSettings()); err != nil || m.WebAuthn != (mfa.WebAuthnConfig{}) {
		t.Errorf("default WebAuthn %+v, %v", m.WebAuthn, err)
	}

	// The file, and config showing where each came from.
	c := newCLI(t)
	file := filepath.Join(c.dir, "gatehouse.toml")
	os.WriteFile(file, []byte("[mfa]\ntotp_period = \"45s\"\nsupported_types = [\"totp\", \"recovery_codes\"]\nenabled = false\n"), 0o600)
	c.env["GATEHOUSE_CONFIG"] = file
	c.env["GATEHOUSE_MFA_REQUIRED"] = "all"
	out := c.ok("", "config")
	for _, want := range []string{`mfa.totp_period                      = "45s"`, "# file, GATEHOUSE_MFA_TOTP_PERIOD",
		`mfa.required                         = "all"`, "# env, GATEHOUSE_MFA_REQUIRED", `mfa.recovery_code_digits`, "# default, GATEHOUSE_MFA_TRUST_COOKIE_AGE",
		`mfa.supported_types                  = "totp,recovery_codes"`, `mfa.enabled                          = "false"`,
		"# default, GATEHOUSE_MFA_PASSKEY_LOGIN_ENABLED", "# default, GATEHOUSE_MFA_PASSKEY_SIGNUP_ENABLED",
		"# default, GATEHOUSE_MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN"} {
		if !strings.Contains(out, want) {
			t.Errorf("config lacks %q:\n%s", want, out)
		}
	}
	delete(c.env, "GATEHOUSE_CONFIG")

	for key, bad := range map[string]string{
		"GATEHOUSE_MFA_ENABLED":                        "sometimes",
		"GATEHOUSE_MFA_SUPPORTED_TYPES":                "sms",
		"GATEHOUSE_MFA_TOTP_PERIOD":                    "1.5s",
		"GATEHOUSE_MFA_TOTP_DIGITS":                    "7",
		"GATEHOUSE_MFA_TOTP_TOLERANCE":                 "11",
		"GATEHOUSE_MFA_RECOVERY_CODE_COUNT":            "0",
		"GATEHOUSE_MFA_RECOVERY_CODE_DIGITS":           "21",
		"GATEHOUSE_MFA_TRUST_ENABLED":                  "yes please",
		"GATEHOUSE_MFA_TRUST_COOKIE_AGE":               "two weeks",
		"GATEHOUSE_MFA_REQUIRED":                       "admins",
		"GATEHOUSE_MFA_ALLOW_UNVERIFIED_EMAIL":         "2",
		"GATEHOUSE_MFA_PASSKEY_LOGIN_ENABLED":          "on",
		"GATEHOUSE_MFA_PASSKEY_SIGNUP_ENABLED":         "1.0",
		"GATEHOUSE_MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN": "yes",
	} {
		c.env[key] = bad
		_, err := c.run("", "config")
		if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), key) {
			t.Errorf("%s=%s: %v, want a one-line error naming %s", key, bad, err, key)
		}
		if code := exitStatus(err, &bytes.Buffer{}); code != 1 {
			t.Errorf("%s=%s: status %d, want 1", key, bad, code)
		}
		delete(c.env, key)
	}
	c.env["GATEHOUSE_MFA_SUPPORTED_TYPES"] = "recovery_codes"
	c.fails("includes totp or webauthn", "config")
	c.env["GATEHOUSE_MFA_SUPPORTED_TYPES"] = "totp"
	c.env["GATEHOUSE_MFA_PASSKEY_LOGIN_ENABLED"] = "true"
	c.fails("GATEHOUSE_MFA_PASSKEY_LOGIN_ENABLED): passkeys need webauthn", "config")
	delete(c.env, "GATEHOUSE_MFA_PASSKEY_LOGIN_ENABLED")
	delete(c.env, "GATEHOUSE_MFA_SUPPORTED_TYPES")
}

// TestServeRefusesWebAuthnOnIP: with webauthn on, a site URL whose host is
// an IP address (serve's default, http://ADDR) stops serve at startup with
// the mfa package's one-line reason; a name serves.
func TestServeRefusesWebAuthnOnIP(t *testing.T) {
	c := newCLI(t)
	c.env["GATEHOUSE_MFA_SUPPORTED_TYPES"] = "totp,recovery_codes,webauthn"
	c.fails("mfa: webauthn: the site URL's host 127.0.0.1 is an IP address", "serve", "--addr", "127.0.0.1:0")
	c.env["GATEHOUSE_SITE_URL"] = "https://[::1]:8443"
	c.fails("the site URL's host ::1 is an IP address", "serve", "--addr", "127.0.0.1:0")
	c.env["GATEHOUSE_SITE_URL"] = "http://gatehouse.lan:8000"
	c.fails("plain http on gatehouse.lan", "serve", "--addr", "127.0.0.1:0")

	c.env["GATEHOUSE_MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN"] = "true"
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0"}, strings.NewReader(""), &out, io.Discard, c.environ())
	}()
	for i := 0; i < 200 && !strings.Contains(out.String(), "http://"); i++ {
		time.Sleep(25 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil || !strings.Contains(out.String(), "http://") {
			t.Fatalf("serve with a name and allow_insecure_origin: %v, %q", err, out.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
}

// TestImportDjangoMFA: allauth's authenticators come over under serve's
// secret key, the recovery codes derived with the mfa.recovery_code_*
// settings (the site's MFA_RECOVERY_CODE_*), and the report counts them.
func TestImportDjangoMFA(t *testing.T) {
	var cases []struct {
		Seed          string
		Count, Digits int
		Codes         []string
	}
	b, err := os.ReadFile("../../djangoimport/testdata/allauth_recovery_codes.json")
	if err != nil || json.Unmarshal(b, &cases) != nil {
		t.Fatalf("fixture: %v", err)
	}
	ac := cases[1] // 12 codes of 6 digits
	if ac.Count != 12 || ac.Digits != 6 {
		t.Fatalf("case 1 is %d codes of %d digits", ac.Count, ac.Digits)
	}
	c := newCLI(t)
	dump := filepath.Join(c.dir, "dump.json")
	os.WriteFile(dump, []byte(`[
{"model": "auth.user", "pk": 1, "fields": {"username": "alice", "password": "md5$s$x"}},
{"model": "mfa.authenticator", "pk": 1, "fields": {"user": 1, "type": "totp", "data": {"secret": "`+mfaTestSecret+`"},
  "created_at": "2024-05-01T10:00:00Z", "last_used_at": "2024-05-02T10:00:00Z"}},
{"model": "mfa.authenticator", "pk": 2, "fields": {"user": 1, "type": "recovery_codes", "data": {"seed": "`+ac.Seed+`", "used_mask": 1},
  "created_at": "2024-05-01T10:00:00Z", "last_used_at": null}},
{"model": "mfa.authenticator", "pk": 3, "fields": {"user": 1, "type": "webauthn", "data": {}, "created_at": "2024-05-01T10:00:00Z"}}
]`), 0o600)
	c.fails("no secret key to seal them with", "import-django", dump)

	key := writeSecretKey(t, c)
	c.env["GATEHOUSE_MFA_RECOVERY_CODE_COUNT"] = "12"
	c.env["GATEHOUSE_MFA_RECOVERY_CODE_DIGITS"] = "6"
	out := c.ok("", "import-django", dump)
	if !strings.Contains(out, "mfa.authenticator: 3 read, 2 imported, 1 skipped (webauthn credential does not parse: 1") ||
		strings.Contains(out, mfaTestSecret) {
		t.Fatalf("report:\n%s", out)
	}
	if out := c.ok("", "user", "mfa", "alice"); !strings.Contains(out, "11 of 12 left") || !strings.Contains(out, "2024-05-02T10:00:00Z") {
		t.Errorf("user mfa alice:\n%s", out)
	}

	db := openCLIDB(t, c)
	ctx := context.Background()
	alice, err := db.UserByUsername(ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	as, err := db.Authenticators(ctx, alice.ID)
	if err != nil || len(as) != 2 {
		t.Fatalf("authenticators %v, %v", as, err)
	}
	ring, err := keys.New(key)
	if err != nil {
		t.Fatal(err)
	}
	if s, err := mfa.OpenTOTPSecret(ring, as[0]); err != nil || s != mfaTestSecret {
		t.Errorf("secret %q, %v", s, err)
	}
	var set mfa.RecoverySet
	if err := json.Unmarshal(as[1].Data, &set); err != nil {
		t.Fatal(err)
	}
	if set.Use(mfa.RecoveryKey(ring), ac.Codes[0]) || !set.Use(mfa.RecoveryKey(ring), ac.Codes[11]) {
		t.Error("the used code was taken, or the last one not")
	}
}
