package password

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestHasherByName: every name gives its hasher with the given costs
// (zero meaning the default); an unknown name, implementation or an
// out-of-bounds cost is an error.
func TestHasherByName(t *testing.T) {
	p := HasherParams{Argon2Memory: 128, Argon2Time: 1, Argon2Threads: 2, Argon2Implementation: Argon2XCrypto,
		PBKDF2Iterations: 1000, BcryptCost: 4}
	for name, want := range map[string]Hasher{
		"argon2":        Argon2Hasher{Memory: 128, Time: 1, Threads: 2, Implementation: Argon2XCrypto},
		"pbkdf2_sha256": PBKDF2Hasher{Iterations: 1000},
		"bcrypt_sha256": BcryptSHA256Hasher{Cost: 4},
		"scrypt":        ScryptHasher{},
	} {
		h, err := HasherByName(name, p)
		if err != nil || h != want {
			t.Errorf("HasherByName(%q) = %#v, %v; want %#v", name, h, err, want)
			continue
		}
		if h.Algorithm() != name {
			t.Errorf("HasherByName(%q).Algorithm() = %q", name, h.Algorithm())
		}
	}
	if got := HasherNames(); fmt.Sprint(got) != "[argon2 pbkdf2_sha256 bcrypt_sha256 scrypt]" {
		t.Errorf("HasherNames() = %v", got)
	}
	if h, err := HasherByName("argon2", HasherParams{}); err != nil || h != (Argon2Hasher{}) {
		t.Errorf("zero params = %#v, %v", h, err)
	}
	_, err := HasherByName("md5", p)
	if err == nil || !strings.Contains(err.Error(), `"md5"`) || !strings.Contains(err.Error(), "argon2, pbkdf2_sha256, bcrypt_sha256 or scrypt") {
		t.Errorf("unknown name: %v", err)
	}
	for _, c := range []struct {
		name string
		p    HasherParams
		want error
	}{
		{"argon2", HasherParams{Argon2Memory: 256<<10 + 1}, ErrCostTooHigh},
		{"argon2", HasherParams{Argon2Memory: 256 << 10, Argon2Time: 5}, ErrCostTooHigh},
		{"argon2", HasherParams{Argon2Threads: 17, Argon2Memory: 1024}, ErrCostTooHigh},
		{"pbkdf2_sha256", HasherParams{PBKDF2Iterations: 10_000_001}, ErrCostTooHigh},
		{"pbkdf2_sha256", HasherParams{PBKDF2Iterations: -1}, ErrBounds},
		{"bcrypt_sha256", HasherParams{BcryptCost: 17}, ErrCostTooHigh},
		{"bcrypt_sha256", HasherParams{BcryptCost: 3}, ErrBounds},
	} {
		if _, err := HasherByName(c.name, c.p); !errors.Is(err, c.want) {
			t.Errorf("HasherByName(%q, %+v) err = %v, want %v", c.name, c.p, err, c.want)
		}
	}
	if _, err := HasherByName("pbkdf2_sha256", HasherParams{Argon2Implementation: "fast"}); err == nil {
		t.Error("unknown implementation accepted")
	}
	if _, err := NewSetByName("sha1", HasherParams{}); err == nil {
		t.Error("NewSetByName accepted sha1 as preferred")
	}
}
