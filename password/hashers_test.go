package password

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"
)

// cheapHashers are every hasher at low cost, for round-trip tests.
func cheapHashers() []Hasher {
	return []Hasher{
		Argon2Hasher{Memory: 64, Time: 1, Threads: 1},
		PBKDF2Hasher{Iterations: 1000},
		PBKDF2Hasher{Iterations: 1000, Digest: DigestSHA1},
		BcryptSHA256Hasher{Cost: 4},
		BcryptHasher{Cost: 4},
		ScryptHasher{N: 1024, R: 8, P: 1},
		SHA1Hasher{}, MD5Hasher{}, UnsaltedSHA1Hasher{}, UnsaltedMD5Hasher{},
	}
}

func TestHashRoundTrip(t *testing.T) {
	for _, h := range cheapHashers() {
		t.Run(h.Algorithm(), func(t *testing.T) {
			for _, pw := range []string{"correct horse", "пароль-Ünïcødé-密码", "x", ""} {
				enc, err := h.Hash(pw)
				if err != nil {
					t.Fatal(err)
				}
				if got := identify(enc); got != h.Algorithm() {
					t.Errorf("identify(%q) = %q, want %q", enc, got, h.Algorithm())
				}
				if ok, err := h.Verify(pw, enc); !ok || err != nil {
					t.Errorf("Verify(%q, %q) = %v, %v", pw, enc, ok, err)
				}
				for _, wrong := range []string{pw + "x", pw + " ", strings.ToUpper(pw) + "X"} {
					if ok, err := h.Verify(wrong, enc); ok || err != nil {
						t.Errorf("Verify(%q, %q) = %v, %v, want false", wrong, enc, ok, err)
					}
				}
				if h.NeedsUpdate(enc) {
					t.Errorf("NeedsUpdate(%q) on its own hash", enc)
				}
			}
		})
	}
}

func TestHashesAreSalted(t *testing.T) {
	for _, h := range cheapHashers() {
		if strings.HasPrefix(h.Algorithm(), "unsalted") {
			continue
		}
		a, _ := h.Hash("same password")
		b, _ := h.Hash("same password")
		if a == b {
			t.Errorf("%s: two hashes of the same password are equal: %s", h.Algorithm(), a)
		}
	}
}

func TestDefaultsEncoded(t *testing.T) {
	if testing.Short() {
		t.Skip("default costs are slow")
	}
	for _, tc := range []struct {
		h      Hasher
		prefix string
	}{
		{Argon2Hasher{}, "argon2$argon2id$v=19$m=19456,t=2,p=1$"},
		{PBKDF2Hasher{}, "pbkdf2_sha256$1200000$"},
		{BcryptSHA256Hasher{}, "bcrypt_sha256$$2b$12$"},
		{ScryptHasher{}, "scrypt$16384$"},
	} {
		enc, err := tc.h.Hash("pw")
		if err != nil || !strings.HasPrefix(enc, tc.prefix) {
			t.Errorf("%s: Hash = %q, %v; want prefix %q", tc.h.Algorithm(), enc, err, tc.prefix)
		}
		if strings.HasPrefix(enc, "scrypt") && !strings.Contains(enc, "$8$5$") {
			t.Errorf("scrypt default r, p: %s", enc)
		}
	}
}

func TestNeedsUpdate(t *testing.T) {
	h := Argon2Hasher{}
	weak := Argon2Hasher{Memory: 64, Time: 1}
	weakEnc, _ := weak.Hash("pw")
	if !h.NeedsUpdate(weakEnc) {
		t.Errorf("NeedsUpdate(%s) = false for m=64,t=1", weakEnc)
	}
	salt := base64.RawStdEncoding.EncodeToString([]byte("0123456789abcdefghijkl"))
	sum := base64.RawStdEncoding.EncodeToString(make([]byte, 16))
	for enc, want := range map[string]bool{
		"argon2$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + sum:  false,
		"argon2$argon2id$v=19$m=102400,t=2,p=8$" + salt + "$" + sum: false, // Django's default
		"argon2$argon2id$v=19$m=19456,t=1,p=1$" + salt + "$" + sum:  true,
		"argon2$argon2id$v=19$m=8192,t=2,p=1$" + salt + "$" + sum:   true,
		"argon2$argon2i$v=19$m=102400,t=2,p=8$" + salt + "$" + sum:  true, // variant
		"argon2$argon2id$v=16$m=102400,t=2,p=8$" + salt + "$" + sum: true, // version
		"argon2$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$" + sum:   true, // 8-byte salt
		"garbage": true,
	} {
		if got := h.NeedsUpdate(enc); got != want {
			t.Errorf("NeedsUpdate(%s) = %v, want %v", enc, got, want)
		}
	}
	cases := []struct {
		cur, old Hasher
	}{
		{PBKDF2Hasher{Iterations: 2000}, PBKDF2Hasher{Iterations: 1000}},
		{PBKDF2Hasher{Iterations: 2000, Digest: DigestSHA1}, PBKDF2Hasher{Iterations: 1000, Digest: DigestSHA1}},
		{BcryptSHA256Hasher{Cost: 5}, BcryptSHA256Hasher{Cost: 4}},
		{BcryptHasher{Cost: 5}, BcryptHasher{Cost: 4}},
		{ScryptHasher{N: 2048, R: 8, P: 1}, ScryptHasher{N: 1024, R: 8, P: 1}},
		{ScryptHasher{N: 1024, R: 8, P: 2}, ScryptHasher{N: 1024, R: 8, P: 1}},
	}
	for _, c := range cases {
		enc, _ := c.old.Hash("pw")
		if !c.cur.NeedsUpdate(enc) {
			t.Errorf("%T%+v.NeedsUpdate(%s) = false", c.cur, c.cur, enc)
		}
		enc2, _ := c.cur.Hash("pw")
		if c.old.NeedsUpdate(enc2) {
			t.Errorf("stronger hash %s flagged by weaker hasher", enc2)
		}
	}
	// Django's old 12-character pbkdf2 salts are upgraded.
	short := "pbkdf2_sha256$1000$abcdefghijkl$" + base64.StdEncoding.EncodeToString(make([]byte, 32))
	if !(PBKDF2Hasher{Iterations: 1000}).NeedsUpdate(short) {
		t.Error("12-char salt not flagged")
	}
}

// TestBcryptTruncationTrap is P4's bcrypt 72-byte trap.
func TestBcryptTruncationTrap(t *testing.T) {
	p := strings.Repeat("0123456789", 10) // 100 bytes
	if _, err := (BcryptHasher{Cost: 4}).Hash(p); !errors.Is(err, ErrBcryptTruncation) {
		t.Fatalf("Hash(100 bytes) err = %v, want ErrBcryptTruncation", err)
	}
	enc, err := BcryptHasher{Cost: 4}.Hash(p[:72])
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := (BcryptHasher{}).Verify(p[:72], enc); !ok {
		t.Error("72-byte password does not verify")
	}
	for _, long := range []string{p, p[:72] + "x"} {
		if ok, err := (BcryptHasher{}).Verify(long, enc); ok || err != nil {
			t.Errorf("Verify(%d bytes sharing the first 72) = %v, %v; want false, nil", len(long), ok, err)
		}
	}
	enc, _ = BcryptSHA256Hasher{Cost: 4}.Hash(p)
	if ok, _ := (BcryptSHA256Hasher{}).Verify(p, enc); !ok {
		t.Error("bcrypt_sha256 100-byte password does not verify")
	}
	if ok, _ := (BcryptSHA256Hasher{}).Verify(p[:72]+"x", enc); ok {
		t.Error("bcrypt_sha256 accepts P[:72]+x")
	}
}

// TestArgon2KeyMatchesXCrypto checks Gatehouse's Argon2 against
// golang.org/x/crypto/argon2 over random parameters, several lanes and
// pooled buffers of other sizes reused dirty.
func TestArgon2KeyMatchesXCrypto(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 24; i++ {
		pw := make([]byte, r.IntN(40))
		salt := make([]byte, 8+r.IntN(24))
		for j := range pw {
			pw[j] = byte(r.Uint32())
		}
		for j := range salt {
			salt[j] = byte(r.Uint32())
		}
		tm, threads := uint32(1+r.IntN(3)), uint32(1+r.IntN(4))
		mem, keyLen := uint32(8*threads+uint32(r.IntN(200))), uint32(4+r.IntN(100))
		if i%6 == 5 {
			mem = uint32(2048 + r.IntN(4096))
		}
		id := argon2.IDKey(pw, salt, tm, mem, uint8(threads), keyLen)
		if got := argon2Key(argon2id, argon2Version13, pw, salt, tm, mem, threads, keyLen); !bytes.Equal(got, id) {
			t.Errorf("argon2id t=%d m=%d p=%d len=%d differs from x/crypto", tm, mem, threads, keyLen)
		}
		ik := argon2.Key(pw, salt, tm, mem, uint8(threads), keyLen)
		if got := argon2Key(argon2i, argon2Version13, pw, salt, tm, mem, threads, keyLen); !bytes.Equal(got, ik) {
			t.Errorf("argon2i t=%d m=%d p=%d len=%d differs from x/crypto", tm, mem, threads, keyLen)
		}
	}
}

// hostile are encoded hashes a malicious import could contain.
var hostile = []struct {
	enc  string
	want error
}{
	{"pbkdf2_sha256$10000001$salt$" + b64(32), ErrBounds},
	{"pbkdf2_sha256$99999999999999999999999999$salt$" + b64(32), ErrBounds},
	{"pbkdf2_sha256$0$salt$" + b64(32), ErrBounds},
	{"pbkdf2_sha256$-5$salt$" + b64(32), ErrMalformed},
	{"pbkdf2_sha256$+5$salt$" + b64(32), ErrMalformed},
	{"pbkdf2_sha256$1000$$" + b64(32), ErrMalformed},
	{"pbkdf2_sha256$1000$" + strings.Repeat("s", 300) + "$" + b64(32), ErrBounds},
	{"pbkdf2_sha256$1000$salt$" + b64(31), ErrMalformed},
	{"pbkdf2_sha256$1000$salt$" + b64(32) + "$x", ErrMalformed},
	{"pbkdf2_sha1$1000$salt$" + b64(32), ErrMalformed},
	{"pbkdf2_sha256$1000$salt$" + strings.Repeat("A", 5000), ErrBounds},
	{"argon2$argon2id$v=19$m=1048577,t=1,p=1$" + rb64(16) + "$" + rb64(16), ErrBounds},
	{"argon2$argon2id$v=19$m=4294967296,t=1,p=1$" + rb64(16) + "$" + rb64(16), ErrBounds},
	{"argon2$argon2id$v=19$m=65536,t=101,p=1$" + rb64(16) + "$" + rb64(16), ErrBounds},
	{"argon2$argon2id$v=19$m=65536,t=1,p=256$" + rb64(16) + "$" + rb64(16), ErrBounds},
	{"argon2$argon2id$v=19$m=65536,t=0,p=1$" + rb64(16) + "$" + rb64(16), ErrBounds},
	{"argon2$argon2id$v=19$m=262144,t=5,p=1$" + rb64(16) + "$" + rb64(16), ErrCostTooHigh},
	{"argon2$argon2id$v=19$m=65536,t=1,p=17$" + rb64(16) + "$" + rb64(16), ErrCostTooHigh},
	{"argon2$argon2id$v=19$m=1048576,t=1,p=1$" + rb64(16) + "$" + rb64(16), ErrCostTooHigh},
	{"argon2$argon2id$v=19$m=64,t=1,p=16$" + rb64(16) + "$" + rb64(16), ErrBounds},
	{"argon2$argon2id$v=19$m=64,t=1,p=1$" + rb64(4) + "$" + rb64(16), ErrBounds},
	{"argon2$argon2id$v=19$m=64,t=1,p=1$" + rb64(16) + "$" + rb64(2000), ErrBounds},
	{"argon2$argon2id$v=20$m=64,t=1,p=1$" + rb64(16) + "$" + rb64(16), ErrMalformed},
	{"argon2$argon2x$v=19$m=64,t=1,p=1$" + rb64(16) + "$" + rb64(16), ErrMalformed},
	{"argon2$argon2id$v=19$t=1,m=64,p=1$" + rb64(16) + "$" + rb64(16), ErrMalformed},
	{"argon2$argon2id$v=19$m=64,t=1,p=1$" + b64(16) + "$" + rb64(16), ErrMalformed},
	{"argon2$argon2id$v=19$m=64,t=1,p=1,k=1$" + rb64(16) + "$" + rb64(16), ErrMalformed},
	{"scrypt$3$salt$8$1$" + b64(64), ErrBounds},
	{"scrypt$2097152$salt$8$1$" + b64(64), ErrBounds},
	{"scrypt$1048576$salt$16$1$" + b64(64), ErrBounds},
	{"scrypt$1024$salt$33$1$" + b64(64), ErrBounds},
	{"scrypt$1024$salt$8$65$" + b64(64), ErrBounds},
	{"scrypt$1024$salt$32$16$" + b64(64), ErrBounds},
	{"scrypt$1024$salt$0$1$" + b64(64), ErrBounds},
	{"scrypt$1024$salt$8$1$" + b64(32), ErrMalformed},
	{"scrypt$262144$salt$8$5$" + b64(64), ErrCostTooHigh},
	{"pbkdf2_sha256$10000001$salt$" + b64(32), ErrCostTooHigh},
	{"bcrypt$$2b$17$" + strings.Repeat("a", 53), ErrCostTooHigh},
	{"bcrypt$$2b$17$" + strings.Repeat("a", 53), ErrBounds},
	{"bcrypt$$2b$31$" + strings.Repeat("a", 53), ErrBounds},
	{"bcrypt$$2b$03$" + strings.Repeat("a", 53), ErrBounds},
	{"bcrypt$$2b$1a$" + strings.Repeat("a", 53), ErrMalformed},
	{"bcrypt$$2c$10$" + strings.Repeat("a", 53), ErrMalformed},
	{"bcrypt$$2b$10$" + strings.Repeat("a", 52), ErrMalformed},
	{"bcrypt$$2b$10$" + strings.Repeat("!", 53), ErrMalformed},
	{"bcrypt_sha256$$2b$20$" + strings.Repeat("a", 53), ErrBounds},
	{"sha1$" + strings.Repeat("s", 300) + "$" + strings.Repeat("0", 40), ErrBounds},
	{"md5$$" + strings.Repeat("0", 33), ErrMalformed},
}

func b64(n int) string  { return base64.StdEncoding.EncodeToString(make([]byte, n)) }
func rb64(n int) string { return base64.RawStdEncoding.EncodeToString(make([]byte, n)) }

func TestHostileHashes(t *testing.T) {
	set := DefaultSet()
	set.Preferred = Argon2Hasher{Memory: 64, Time: 1}
	for _, tc := range hostile {
		start := time.Now()
		ok, _, err := set.Verify(context.Background(), "pw", tc.enc)
		if ok || !errors.Is(err, tc.want) {
			t.Errorf("Verify(%.80s) = %v, %v; want false, %v", tc.enc, ok, err, tc.want)
		}
		if d := time.Since(start); d > 200*time.Millisecond {
			t.Errorf("Verify(%.80s) took %v", tc.enc, d)
		}
	}
}

// TestCostCap: costs above the limits, in a stored hash or a hasher's own
// settings, are ErrCostTooHigh (which is also ErrBounds) and fail at once,
// through a Set as a login would; hashes at Django's own default costs,
// made by Django, pass the caps and verify.
func TestCostCap(t *testing.T) {
	salt, sum := rb64(16), rb64(16)
	over := []string{
		"argon2$argon2id$v=19$m=262145,t=1,p=1$" + salt + "$" + sum,    // memory
		"argon2$argon2id$v=19$m=262144,t=5,p=1$" + salt + "$" + sum,    // memory × time
		"argon2$argon2id$v=19$m=131072,t=9,p=1$" + salt + "$" + sum,    // memory × time
		"argon2$argon2id$v=19$m=10486,t=101,p=1$" + salt + "$" + sum,   // time
		"argon2$argon2id$v=19$m=65536,t=1,p=17$" + salt + "$" + sum,    // lanes
		"argon2$argon2i$m=1048576,t=100,p=255$" + salt + "$" + sum,     // all, version 16
		"argon2$argon2d$v=19$m=4294967295,t=1,p=1$" + salt + "$" + sum, // uint32 memory
		"argon2$argon2id$v=19$m=99999999999999999999,t=1,p=1$" + salt + "$" + sum,
		"pbkdf2_sha256$10000001$salt$" + b64(32),
		"pbkdf2_sha1$99999999999999999999999$salt$" + b64(20),
		"bcrypt_sha256$$2b$17$" + strings.Repeat("a", 53),
		"scrypt$2097152$salt$1$1$" + b64(64), // N
		"scrypt$1048576$salt$8$1$" + b64(64), // 1 GiB of memory
		"scrypt$262144$salt$8$5$" + b64(64),  // 256 MiB, 1.25 GiB of work
		"scrypt$16384$salt$8$65$" + b64(64),  // p
	}
	for _, impl := range []Argon2Implementation{Argon2Gatehouse, Argon2XCrypto} {
		s, err := NewSetByName("argon2", HasherParams{Argon2Memory: 64, Argon2Time: 1, Argon2Implementation: impl})
		if err != nil {
			t.Fatal(err)
		}
		for _, enc := range over {
			ok, up, err := s.Verify(context.Background(), "planted-Secret-42", enc)
			if ok || up != "" || !errors.Is(err, ErrCostTooHigh) || !errors.Is(err, ErrBounds) {
				t.Errorf("%s: Verify(%.70s) = %v, %q, %v; want ErrCostTooHigh", impl, enc, ok, up, err)
			}
			if err != nil && strings.Contains(err.Error(), "planted-Secret-42") {
				t.Errorf("error mentions the password: %v", err)
			}
		}
	}
	for _, h := range []Hasher{
		Argon2Hasher{Memory: 300 << 10, Time: 1},
		Argon2Hasher{Memory: 200 << 10, Time: 6},
		Argon2Hasher{Memory: 1024, Threads: 32},
		PBKDF2Hasher{Iterations: 20_000_000},
		BcryptSHA256Hasher{Cost: 18},
		ScryptHasher{N: 1 << 18, R: 8, P: 8},
	} {
		if enc, err := h.Hash("pw"); !errors.Is(err, ErrCostTooHigh) {
			t.Errorf("%#v.Hash = %q, %v; want ErrCostTooHigh", h, enc, err)
		}
	}
	// Costs at the caps are accepted (parsed; not computed here).
	for _, enc := range []string{
		"argon2$argon2id$v=19$m=262144,t=4,p=16$" + salt + "$" + sum,
		"argon2$argon2id$v=19$m=10485,t=100,p=1$" + salt + "$" + sum,
	} {
		if _, err := parseArgon2(enc); err != nil {
			t.Errorf("parseArgon2(%s) = %v", enc, err)
		}
	}
	if _, err := parseScrypt("scrypt$262144$salt$8$4$" + b64(64)); err != nil {
		t.Errorf("scrypt at the caps: %v", err)
	}
	if _, err := (PBKDF2Hasher{}).parse("pbkdf2_sha256$10000000$salt$" + b64(32)); err != nil {
		t.Errorf("pbkdf2 at the cap: %v", err)
	}

	// Django's defaults: argon2 m=102400, t=2, p=8; scrypt N=2^14, r=8,
	// p=5; PBKDF2 and bcrypt_sha256 at Django 3.2's. Parsing is cheap and
	// always runs; verifying them takes about a second in all.
	seen := map[string]bool{}
	for _, v := range loadVectors(t) {
		if v.Kind != "default" {
			continue
		}
		seen[v.Algorithm] = true
		if v.Algorithm == "argon2" {
			if !strings.HasPrefix(v.Encoded, "argon2$argon2id$v=19$m=102400,t=2,p=8$") {
				t.Errorf("%s is not at Django's argon2 default: %s", v.Name, v.Encoded)
			}
			if _, err := parseArgon2(v.Encoded); err != nil {
				t.Errorf("%s: %v", v.Name, err)
			}
		}
		if testing.Short() {
			continue
		}
		for _, impl := range []Argon2Implementation{Argon2Gatehouse, Argon2XCrypto} {
			s, _ := NewSetByName("argon2", HasherParams{Argon2Memory: 64, Argon2Time: 1, Argon2Implementation: impl})
			if ok, _, err := s.Verify(context.Background(), v.Password, v.Encoded); !ok || err != nil {
				t.Errorf("%s (%s): Verify = %v, %v", v.Name, impl, ok, err)
			}
			if v.Algorithm != "argon2" {
				break
			}
		}
	}
	for _, alg := range []string{"argon2", "scrypt", "pbkdf2_sha256", "bcrypt_sha256"} {
		if !seen[alg] {
			t.Errorf("no Django vector at the default cost of %s", alg)
		}
	}
}
