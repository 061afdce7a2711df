package mfa

import (
	"encoding/base32"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
)

// rfcSecret is RFC 6238 Appendix B's SHA-1 seed, "12345678901234567890".
var rfcSecret = base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString([]byte("12345678901234567890"))

// TestTOTPRFC6238Vectors: the SHA-1 rows of RFC 6238 Appendix B (8 digits).
func TestTOTPRFC6238Vectors(t *testing.T) {
	cfg := TOTP{Digits: 8}
	for _, v := range []struct {
		unix int64
		code string
	}{
		{59, "94287082"}, {1111111109, "07081804"}, {1111111111, "14050471"},
		{1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
	} {
		now := time.Unix(v.unix, 0)
		if got, err := cfg.Code(rfcSecret, now); err != nil || got != v.code {
			t.Errorf("T=%d: code %q, %v; want %s", v.unix, got, err, v.code)
		}
		step, ok, err := cfg.Verify(rfcSecret, v.code, now)
		if err != nil || !ok || step != v.unix/30 {
			t.Errorf("T=%d: Verify = %d, %v, %v; want step %d", v.unix, step, ok, err, v.unix/30)
		}
	}
}

// TestTOTPWindow: with no tolerance a code is taken only within its own
// 30 s step, edges included; a tolerance of 1 takes the steps around it
// and says which step matched.
func TestTOTPWindow(t *testing.T) {
	secret, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Unix(56_666_667*30, 0) // the first second of a step
	var cfg TOTP
	code, err := cfg.Code(secret, start)
	if err != nil || len(code) != 6 {
		t.Fatalf("code %q, %v", code, err)
	}
	for _, c := range []struct {
		at   time.Duration
		want bool
	}{{0, true}, {29 * time.Second, true}, {30 * time.Second, false}, {-time.Second, false}} {
		_, ok, err := cfg.Verify(secret, code, start.Add(c.at))
		if err != nil || ok != c.want {
			t.Errorf("tolerance 0, %v after the step began: %v, %v; want %v", c.at, ok, err, c.want)
		}
	}
	loose := TOTP{Tolerance: 1}
	for _, at := range []time.Duration{-30 * time.Second, 30 * time.Second, 59 * time.Second} {
		step, ok, err := loose.Verify(secret, code, start.Add(at))
		if err != nil || !ok || step != loose.Step(start) {
			t.Errorf("tolerance 1, %v: %d, %v, %v; want step %d", at, step, ok, err, loose.Step(start))
		}
	}
	if _, ok, _ := loose.Verify(secret, code, start.Add(60*time.Second)); ok {
		t.Error("tolerance 1 took a code two steps old")
	}
}

// TestTOTPInput: typed codes with spaces or dashes count; anything else
// never matches, and a bad secret or setting is an error, not a match.
func TestTOTPInput(t *testing.T) {
	secret, _ := NewSecret()
	now := time.Unix(1_800_000_000, 0)
	var cfg TOTP
	code, _ := cfg.Code(secret, now)
	for _, typed := range []string{code, code[:3] + " " + code[3:], code[:3] + "-" + code[3:], " " + code + " "} {
		if _, ok, err := cfg.Verify(secret, typed, now); !ok || err != nil {
			t.Errorf("%q refused: %v", typed, err)
		}
	}
	for _, typed := range []string{"", code[:5], code + "0", "abcdef", code[:5] + "x", "１２３４５６", strings.Repeat("1", 100)} {
		if _, ok, err := cfg.Verify(secret, typed, now); ok || err != nil {
			t.Errorf("%q: %v, %v; want a plain refusal", typed, ok, err)
		}
	}
	if _, _, err := cfg.Verify("not base32!", code, now); err == nil {
		t.Error("a secret that is not base32 verified without an error")
	}
	for _, bad := range []TOTP{{Digits: 7}, {Period: 1500 * time.Millisecond}, {Tolerance: -1}, {Tolerance: 11}} {
		if _, _, err := bad.Verify(secret, code, now); err == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
}

// TestNewSecret: 160 random bits in base32, a new one each time.
func TestNewSecret(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		s, err := NewSecret()
		if err != nil {
			t.Fatal(err)
		}
		b, err := b32.DecodeString(s)
		if err != nil || len(b) != SecretBytes || seen[s] {
			t.Fatalf("secret %q: %d bytes, %v, repeated %v", s, len(b), err, seen[s])
		}
		seen[s] = true
	}
}

// TestTOTPURIAndQRCode: the otpauth URI is what pquerna/otp (and the
// authenticator apps it follows) reads back: issuer, account, secret,
// digits, period; the QR code is a PNG.
func TestTOTPURIAndQRCode(t *testing.T) {
	secret, _ := NewSecret()
	cfg := TOTP{Issuer: "Example Site", Digits: 8, Period: 60 * time.Second}
	uri := cfg.URI(secret, "ann@example.com")
	k, err := otp.NewKeyFromURL(uri)
	if err != nil {
		t.Fatal(err)
	}
	if k.Type() != "totp" || k.Issuer() != "Example Site" || k.AccountName() != "ann@example.com" || k.Secret() != secret ||
		k.Digits() != otp.DigitsEight || k.Period() != 60 || k.Algorithm() != otp.AlgorithmSHA1 {
		t.Fatalf("URI %s read back as %s / %s / %s / %v / %d / %v", uri, k.Issuer(), k.AccountName(), k.Secret(), k.Digits(), k.Period(), k.Algorithm())
	}
	png, err := QRCode(uri, 200)
	if err != nil || len(png) < 100 || string(png[1:4]) != "PNG" {
		t.Fatalf("QR code: %d bytes, %v", len(png), err)
	}
}

func FuzzTOTPVerify(f *testing.F) {
	f.Add(rfcSecret, "94287082", int64(59))
	f.Add("", "", int64(0))
	f.Fuzz(func(t *testing.T, secret, typed string, unix int64) {
		if unix < 0 || unix > 1<<40 {
			return
		}
		TOTP{Tolerance: 1}.Verify(secret, typed, time.Unix(unix, 0)) // must not panic
	})
}
