package loadgen

import (
	"context"
	"fmt"

	"github.com/gatehouse-auth/gatehouse/password"
)

// NewHasher returns the Verifier that h describes: a password.Set whose
// preferred hasher is the one the server would build from the same
// settings, so that a verification costs what a login's does (Unicode
// normalization and the Set's concurrency slots included).
func NewHasher(h HashConfig) (Verifier, error) {
	if err := h.Validate(); err != nil {
		return nil, err
	}
	var preferred password.Hasher
	switch h.Algorithm {
	case "argon2":
		preferred = password.Argon2Hasher{Memory: h.Argon2MemoryKiB, Time: h.Argon2Time, Threads: h.Argon2Threads}
	case "pbkdf2_sha256":
		preferred = password.PBKDF2Hasher{Iterations: h.PBKDF2Iterations}
	case "bcrypt_sha256":
		preferred = password.BcryptSHA256Hasher{Cost: h.BcryptCost}
	case "scrypt":
		preferred = password.ScryptHasher{}
	default:
		return nil, fmt.Errorf("unknown hasher %q", h.Algorithm)
	}
	return setVerifier{password.NewSet(preferred)}, nil
}

// setVerifier adapts a password.Set to Verifier.
type setVerifier struct{ s *password.Set }

// Hash hashes pw with the Set's preferred hasher.
func (v setVerifier) Hash(pw string) (string, error) { return v.s.Hash(context.Background(), pw) }

// Verify checks pw against encoded.
func (v setVerifier) Verify(pw, encoded string) (bool, error) {
	ok, _, err := v.s.Verify(context.Background(), pw, encoded)
	return ok, err
}
