package mfa

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"errors"
	"fmt"
	"image/png"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// TOTP tunes time-based one-time passwords. Its zero value is allauth's
// defaults: a 30 s period, 6 digits, no tolerance, HMAC-SHA1 (what
// authenticator apps support everywhere).
type TOTP struct {
	// Period is the life of a code (MFA_TOTP_PERIOD); 0 means 30 s.
	Period time.Duration
	// Digits is the length of a code (MFA_TOTP_DIGITS): 6 (0) or 8.
	Digits int
	// Tolerance is how many periods before and after now a code is still
	// taken (MFA_TOTP_TOLERANCE); 0 by default.
	Tolerance int
	// Issuer names the site in the authenticator app (MFA_TOTP_ISSUER).
	Issuer string
}

// SecretBytes is the size of a TOTP secret: 160 bits, RFC 4226's
// recommendation and allauth's.
const SecretBytes = 20

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// ErrBadTOTP reports a TOTP configuration no authenticator app supports.
var ErrBadTOTP = errors.New("mfa: TOTP: digits must be 6 or 8, the period a whole number of seconds from 1 s, the tolerance 0 to 10")

// NewSecret returns a new TOTP secret: SecretBytes from the CSPRNG, in
// base32 without padding.
func NewSecret() (string, error) {
	b := make([]byte, SecretBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("mfa: secret: %w", err)
	}
	return b32.EncodeToString(b), nil
}

// Check validates t's settings.
func (t TOTP) Check() error {
	if d := t.digits(); d != 6 && d != 8 {
		return ErrBadTOTP
	}
	if t.Period < 0 || t.Period%time.Second != 0 || t.Tolerance < 0 || t.Tolerance > 10 {
		return ErrBadTOTP
	}
	return nil
}

func (t TOTP) period() time.Duration {
	if t.Period <= 0 {
		return 30 * time.Second
	}
	return t.Period
}

func (t TOTP) digits() int {
	if t.Digits == 0 {
		return 6
	}
	return t.Digits
}

func (t TOTP) opts() totp.ValidateOpts {
	d := otp.DigitsSix
	if t.digits() == 8 {
		d = otp.DigitsEight
	}
	return totp.ValidateOpts{Period: uint(t.period() / time.Second), Digits: d, Algorithm: otp.AlgorithmSHA1}
}

// Step returns the time step of now: the number of whole periods since
// the Unix epoch.
func (t TOTP) Step(now time.Time) int64 {
	return now.Unix() / int64(t.period()/time.Second)
}

// Code returns the code of secret at now (for tests and for showing what
// an app should display).
func (t TOTP) Code(secret string, now time.Time) (string, error) {
	if err := t.Check(); err != nil {
		return "", err
	}
	return totp.GenerateCodeCustom(secret, now, t.opts())
}

// Verify reports whether typed is secret's code at now, within the
// tolerance, and the time step it matched. Spaces and dashes in typed are
// ignored; anything else that is not a digit, or the wrong length, never
// matches. Every step of the window is compared in constant time. The
// caller refuses a step it has already taken for this user (a replay).
func (t TOTP) Verify(secret, typed string, now time.Time) (step int64, ok bool, err error) {
	if err := t.Check(); err != nil {
		return 0, false, err
	}
	code := normalizeDigits(typed)
	if len(code) != t.digits() {
		return 0, false, nil
	}
	if _, err := b32.DecodeString(strings.ToUpper(secret)); err != nil || secret == "" {
		return 0, false, fmt.Errorf("mfa: TOTP secret is not base32")
	}
	base := t.Step(now)
	p := int64(t.period() / time.Second)
	matched := int64(-1)
	for d := -int64(t.Tolerance); d <= int64(t.Tolerance); d++ {
		want, err := totp.GenerateCodeCustom(secret, time.Unix((base+d)*p, 0), t.opts())
		if err != nil {
			return 0, false, fmt.Errorf("mfa: TOTP: %w", err)
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 && matched < 0 {
			matched = base + d
		}
	}
	if matched < 0 {
		return 0, false, nil
	}
	return matched, true, nil
}

// URI returns the otpauth:// URI an authenticator app reads (from its QR
// code): the issuer, the account's name, the secret and t's settings.
func (t TOTP) URI(secret, account string) string {
	issuer := t.Issuer
	label := account
	if issuer != "" {
		label = issuer + ":" + account
	}
	v := url.Values{}
	v.Set("secret", secret)
	if issuer != "" {
		v.Set("issuer", issuer)
	}
	v.Set("algorithm", "SHA1")
	v.Set("digits", strconv.Itoa(t.digits()))
	v.Set("period", strconv.Itoa(int(t.period()/time.Second)))
	u := url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + label, RawQuery: v.Encode()}
	return u.String()
}

// QRCode returns uri as a QR code in PNG, size pixels square.
func QRCode(uri string, size int) ([]byte, error) {
	k, err := otp.NewKeyFromURL(uri)
	if err != nil {
		return nil, fmt.Errorf("mfa: QR code: %w", err)
	}
	img, err := k.Image(size, size)
	if err != nil {
		return nil, fmt.Errorf("mfa: QR code: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("mfa: QR code: %w", err)
	}
	return buf.Bytes(), nil
}

// normalizeDigits drops spaces and dashes, which people type inside codes.
func normalizeDigits(s string) string {
	if len(s) > 64 {
		return ""
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == ' ' || r == '-' || r == '\t':
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			return ""
		}
	}
	return b.String()
}
