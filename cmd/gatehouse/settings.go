package main

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/gatehouse-auth/gatehouse/social"
)

// setting is one configuration key: "section.key" in the file, also the
// environment variable GATEHOUSE_SECTION_KEY.
type setting struct {
	key    string
	def    string
	secret bool
	help   string
}

// settings is every key Gatehouse reads, with its default.
var settings = []setting{
	{"addr", "127.0.0.1:8000", false, "address serve listens on"},
	{"site_url", "", false, "public base URL used in every mailed link (default http://ADDR)"},
	{"site_name", "Gatehouse", false, "name shown on pages"},
	{"secret_key", "", true, "signing key; generated into gatehouse.secret when empty"},
	{"secret_key_file", "gatehouse.secret", false, "where a generated secret key is kept"},
	{"secret_key_fallbacks", "", true, "comma-separated older secret keys still accepted when verifying, during a rotation (Django's SECRET_KEY_FALLBACKS)"},
	{"trusted_proxies", "", false, "comma-separated CIDRs whose X-Forwarded-For is trusted"},
	{"demo", "true", false, "serve the demo site (/, /dashboard/, /secret/)"},
	{"database.url", "sqlite:gatehouse.db", true, "sqlite:PATH or postgres://… URL"},
	{"mail.backend", "console", false, "console, file or smtp"},
	{"mail.file_dir", "sent-mail", false, "directory of the file backend"},
	{"mail.smtp_url", "", true, "smtp://user:pass@host:587 (smtps:// for implicit TLS)"},
	{"mail.from", "Gatehouse <noreply@localhost>", false, "From address of every mail"},
	{"mail.outbox_poll", "5s", false, "how often serve looks for queued mail that is due (mail queued by this server goes out at once)"},
	{"mail.outbox_max_attempts", "10", false, "delivery attempts of a message before the outbox marks it failed; the waits between them start at 30s and double up to 1h"},
	{"mail.outbox_keep_sent", "168h", false, "how long sent messages stay listed, without their bodies, before they are deleted"},
	{"account.login_method", "username_email", false, "username, email or username_email"},
	{"account.email_verification", "optional", false, "none, optional (a confirmation is mailed at signup) or mandatory (no login until an address is confirmed)"},
	{"account.email_verification_by_code", "false", false, "confirm addresses with a mailed code instead of a link"},
	{"account.email_confirmation_expiry", "72h", false, "how long a confirmation link works"},
	{"account.email_verification_code_timeout", "10m", false, "how long a confirmation code works"},
	{"account.password_reset_by_code", "false", false, "reset passwords with a mailed code instead of a link"},
	{"account.password_reset_timeout", "1h", false, "how long a password reset link works (Django's PASSWORD_RESET_TIMEOUT)"},
	{"account.password_reset_code_timeout", "3m", false, "how long a password reset code works"},
	{"account.login_on_password_reset", "false", false, "sign the user in after a password reset"},
	{"account.email_unknown_accounts", "true", false, "answer a reset request for an unknown address with a 'no account' mail"},
	{"account.prevent_enumeration", "true", false, "with mandatory verification, answer a signup with a taken address like a fresh one (and mail the owner)"},
	{"account.code_max_attempts", "3", false, "tries at one mailed code"},
	{"account.signup_fields", "username*,email,password1*,password2*", false, "allauth's SIGNUP_FIELDS: which signup fields exist (username, email, email2, password1, password2) and which are required (*)"},
	{"account.signup_honeypot", "", false, "name of a hidden signup field that bots fill (e.g. phone_number); empty: none"},
	{"account.session_remember", "ask", false, "ask (a Remember me box), always or never"},
	{"account.login_by_code", "false", false, "let users sign in with a code mailed to their address (/accounts/login/code/)"},
	{"account.login_code_timeout", "3m", false, "how long a login code works"},
	{"account.change_email", "false", false, "one address per user: a new one replaces it once confirmed, the old one can cancel"},
	{"account.max_email_addresses", "0", false, "most addresses a user may have (0: no bound)"},
	{"account.login_timeout", "15m", false, "how long a login may wait on its stages (a confirmation)"},
	{"account.email_required", "false", false, "make email mandatory at signup"},
	{"account.signup_closed", "false", false, "refuse new signups"},
	{"account.rate_limits.login", "30/m/ip", false, "login attempts: allauth's rules AMOUNT/DURATION[/PER],… or off"},
	{"account.rate_limits.login_failed", "10/m/ip,5/300s/key", false, "failed logins, per IP and per login identity (its lock)"},
	{"account.rate_limits.signup", "20/m/ip", false, "signup attempts"},
	{"account.rate_limits.confirm_email", "1/180s/key", false, "confirmation mails per address"},
	{"account.rate_limits.reset_password", "20/m/ip,5/m/key", false, "password reset requests, per IP and per address"},
	{"account.rate_limits.reset_password_from_key", "20/m/ip", false, "uses of password reset links"},
	{"account.rate_limits.change_password", "5/m/user", false, "password change attempts"},
	{"account.rate_limits.reauthenticate", "10/m/user", false, "reauthentication attempts"},
	{"account.rate_limits.manage_email", "10/m/user", false, "changes to a user's email addresses"},
	{"account.rate_limits.request_login_code", "20/m/ip,3/m/key", false, "login code requests, per IP and per address"},
	{"account.signups_per_ip", "", false, "deprecated: COUNT/DURATION, the ip rule of account.rate_limits.signup"},
	{"account.failed_logins_per_account", "", false, "deprecated: COUNT/DURATION, the key rule of account.rate_limits.login_failed"},
	{"account.failed_logins_per_ip", "", false, "deprecated: COUNT/DURATION, the ip rule of account.rate_limits.login_failed"},
	{"social.enabled", "true", false, "social login: provider buttons, callbacks and /accounts/3rdparty/ (apps are added with gatehouse social app add)"},
	{"social.auto_signup", "true", false, "a new provider account with nothing missing signs up at once (SOCIALACCOUNT_AUTO_SIGNUP); false: always the social signup form"},
	{"social.email_authentication", "false", false, "a provider-verified address logs into the local account holding it (SOCIALACCOUNT_EMAIL_AUTHENTICATION)"},
	{"social.email_authentication_auto_connect", "false", false, "and connects the provider account to it (SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT)"},
	{"social.email_required", "false", false, "social signups must give an address (SOCIALACCOUNT_EMAIL_REQUIRED)"},
	{"social.store_tokens", "false", false, "keep providers' access and refresh tokens, sealed (SOCIALACCOUNT_STORE_TOKENS)"},
	{"social.requests_timeout", "5s", false, "timeout of each call to a provider (SOCIALACCOUNT_REQUESTS_TIMEOUT)"},
	{"social.private_hosts", "", false, "comma-separated provider host names that may be on a private network and use plain http (an internal Keycloak)"},
	{"mfa.enabled", "true", false, "two-factor authentication: the pages under /accounts/2fa/ and the second step of logins of users with an authenticator app"},
	{"mfa.supported_types", "totp,recovery_codes", false, "factors users may add: totp, recovery_codes, webauthn (security keys and passkeys) (MFA_SUPPORTED_TYPES; totp or webauthn is required; webauthn needs a site_url whose host is a name, not an IP address)"},
	{"mfa.totp_period", "30", false, "life of a TOTP code in seconds, or a duration like 30s (MFA_TOTP_PERIOD)"},
	{"mfa.totp_digits", "6", false, "length of a TOTP code: 6 or 8 (MFA_TOTP_DIGITS)"},
	{"mfa.totp_tolerance", "0", false, "periods before and after now whose codes are still taken, 0 to 10 (MFA_TOTP_TOLERANCE)"},
	{"mfa.totp_issuer", "", false, "name of the site in authenticator apps (MFA_TOTP_ISSUER; default site_name)"},
	{"mfa.recovery_code_count", "10", false, "recovery codes in a set, 1 to 100 (MFA_RECOVERY_CODE_COUNT; import-django derives allauth's codes with it)"},
	{"mfa.recovery_code_digits", "8", false, "length of a recovery code, 6 to 20 (MFA_RECOVERY_CODE_DIGITS; import-django derives allauth's codes with it)"},
	{"mfa.trust_enabled", "false", false, "offer, after a second factor, to trust the browser: its logins then skip it (MFA_TRUST_ENABLED)"},
	{"mfa.trust_cookie_age", "336h", false, "how long a browser stays trusted: a duration, or seconds (MFA_TRUST_COOKIE_AGE)"},
	{"mfa.required", "off", false, "who must use two-factor authentication, enrolling at their next login: off, staff (staff and superusers), superuser or all"},
	{"mfa.required_groups", "", false, "comma-separated groups whose members must use it too"},
	{"mfa.allow_unverified_email", "false", false, "let users with an unverified address add a factor (MFA_ALLOW_UNVERIFIED_EMAIL)"},
	{"mfa.passkey_login_enabled", "false", false, "offer \"Sign in with a passkey\" on the login page (MFA_PASSKEY_LOGIN_ENABLED; needs webauthn in mfa.supported_types)"},
	{"mfa.passkey_signup_enabled", "false", false, "offer signing up with a passkey and no password, after a mailed code (MFA_PASSKEY_SIGNUP_ENABLED; needs webauthn, account.email_verification = mandatory and account.email_verification_by_code)"},
	{"mfa.webauthn_allow_insecure_origin", "false", false, "let a plain-http site_url on a host other than localhost serve WebAuthn, for development (MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN)"},
	{"password.hasher", "argon2", false, "preferred hasher: argon2, pbkdf2_sha256, bcrypt_sha256 or scrypt"},
	{"password.pbkdf2_iterations", "1200000", false, "PBKDF2 iterations"},
	{"password.argon2_memory_kib", "19456", false, "argon2id memory in KiB"},
	{"password.argon2_time", "2", false, "argon2id passes"},
	{"password.argon2_threads", "1", false, "argon2id lanes"},
	{"password.argon2_implementation", "gatehouse", false, "code computing argon2: gatehouse (Gatehouse's own, about twice as fast) or x/crypto (golang.org/x/crypto/argon2)"},
	{"password.bcrypt_cost", "12", false, "bcrypt cost"},
	{"password.max_concurrent", "0", false, "password hashes computed at once; the rest queue (0 = GOMAXPROCS: one per CPU, or per CPU of a container's limit)"},
	{"password.min_length", "8", false, "minimum password length in characters"},
	{"session.idle_timeout", "2h", false, "end sessions unused this long"},
	{"session.absolute_timeout", "24h", false, "end sessions this long after login"},
	{"session.remember_idle_timeout", "168h", false, "idle timeout of remember-me sessions"},
	{"session.remember_absolute_timeout", "720h", false, "absolute timeout of remember-me sessions"},
	{"gc_percent", "50", false, "garbage collector target percentage past the heap floor (GOGC wins when set; 0: Go's default, 100); lower trades CPU for a smaller peak"},
	{"gc_heap_floor_mib", "16", false, "the garbage collector waits until the heap reaches this many MiB, or grows by gc_percent when larger (not with GOGC set; 0: Go's pacing alone); higher trades memory for CPU"},
	{"memory_limit_mib", "0", false, "soft memory limit of the Go runtime in MiB (GOMEMLIMIT wins when set; 0: none)"},
	{"debug.pprof_addr", "", false, "serve net/http/pprof on this address (e.g. 127.0.0.1:6060); empty: off"},
	{"log.level", "info", false, "debug, info, warn or error"},
	{"log.format", "text", false, "text or json"},
}

// Settings are the effective values, after defaults, file, environment and flags.
type Settings struct {
	values map[string]string
	source map[string]string
	// apps are the [[social.apps]] tables of the config file.
	apps []social.App
}

func defaultSettings() *Settings {
	s := &Settings{values: map[string]string{}, source: map[string]string{}}
	for _, st := range settings {
		s.values[st.key] = st.def
		s.source[st.key] = "default"
	}
	return s
}

func known(key string) bool {
	for _, st := range settings {
		if st.key == key {
			return true
		}
	}
	return false
}

// EnvName returns the environment variable of a key.
func EnvName(key string) string {
	return "GATEHOUSE_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// loadFile merges a TOML file; an unknown key is an error (a typo must not
// silently leave a default in force).
func (s *Settings) loadFile(path string) error {
	var raw map[string]any
	if _, err := toml.DecodeFile(path, &raw); err != nil {
		return fmt.Errorf("config %s: %w", path, err)
	}
	apps, err := loadFileApps(path, raw)
	if err != nil {
		return err
	}
	s.apps = apps
	flat := map[string]string{}
	flatten("", raw, flat)
	for k, v := range flat {
		if !known(k) {
			return fmt.Errorf("config %s: unknown key %q", path, k)
		}
		s.values[k], s.source[k] = v, "file"
	}
	return nil
}

func flatten(prefix string, m map[string]any, out map[string]string) {
	for k, v := range m {
		key := k
		if prefix != "" {
			key = prefix + "." + k
		}
		switch x := v.(type) {
		case map[string]any:
			flatten(key, x, out)
		case []any:
			parts := make([]string, len(x))
			for i, p := range x {
				parts[i] = fmt.Sprint(p)
			}
			out[key] = strings.Join(parts, ",")
		default:
			out[key] = fmt.Sprint(x)
		}
	}
}

// loadEnv merges GATEHOUSE_* variables.
func (s *Settings) loadEnv(getenv func(string) string) {
	for _, st := range settings {
		if v := getenv(EnvName(st.key)); v != "" {
			s.values[st.key], s.source[st.key] = v, "env"
		}
	}
}

// set applies a flag.
func (s *Settings) set(key, v string) {
	s.values[key], s.source[key] = v, "flag"
}

func (s *Settings) str(key string) string { return s.values[key] }

func (s *Settings) int(key string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s.values[key]))
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%s (%s): want a non-negative whole number, got %q", key, EnvName(key), s.values[key])
	}
	return n, nil
}

func (s *Settings) bool(key string) (bool, error) {
	b, err := strconv.ParseBool(strings.TrimSpace(s.values[key]))
	if err != nil {
		return false, fmt.Errorf("%s (%s): want true or false, got %q", key, EnvName(key), s.values[key])
	}
	return b, nil
}

func (s *Settings) duration(key string) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(s.values[key]))
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s (%s): want a duration like 2h or 30m, got %q", key, EnvName(key), s.values[key])
	}
	return d, nil
}

// Print writes every key with its value (secrets masked) and where it came from.
func (s *Settings) Print(w io.Writer) {
	keys := make([]string, 0, len(s.values))
	for k := range s.values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := s.values[k]
		for _, st := range settings {
			if st.key == k && st.secret && v != "" {
				v = mask(k, v)
			}
		}
		fmt.Fprintf(w, "%-36s = %-40s # %s, %s\n", k, strconv.Quote(v), s.source[k], EnvName(k))
	}
	for i, a := range s.apps {
		secret := "no secret"
		if a.Secret != "" {
			secret = "secret set"
		}
		v := fmt.Sprintf("%s/%s client_id %q, %s", a.Provider, a.AppID, a.ClientID, secret)
		fmt.Fprintf(w, "%-36s = %-40s # file\n", fmt.Sprintf("social.apps[%d]", i), v)
	}
}

// mask hides a secret: keys entirely; URLs keep scheme and host but lose the password.
func mask(key, v string) string {
	if strings.Contains(v, "://") {
		return maskURL(v)
	}
	if key == "database.url" {
		return v
	}
	return "********"
}
