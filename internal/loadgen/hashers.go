package loadgen

import (
	"context"

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
	preferred, err := password.HasherByName(h.Algorithm, password.HasherParams{
		Argon2Memory: h.Argon2MemoryKiB, Argon2Time: h.Argon2Time, Argon2Threads: h.Argon2Threads,
		PBKDF2Iterations: h.PBKDF2Iterations, BcryptCost: h.BcryptCost})
	if err != nil {
		return nil, err
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
