package password

import (
	"fmt"
	"strings"
)

// HasherParams are the tunable costs of the hashers HasherByName builds.
// A zero field means the hasher's default.
type HasherParams struct {
	Argon2Memory         uint32 // KiB
	Argon2Time           uint32
	Argon2Threads        uint8
	Argon2Implementation Argon2Implementation
	PBKDF2Iterations     int
	BcryptCost           int
}

// hasherNames are the names HasherByName accepts, in the order its error
// lists them.
var hasherNames = []string{"argon2", "pbkdf2_sha256", "bcrypt_sha256", "scrypt"}

// HasherNames returns the names HasherByName accepts: "argon2",
// "pbkdf2_sha256", "bcrypt_sha256" and "scrypt".
func HasherNames() []string { return append([]string(nil), hasherNames...) }

// HasherByName returns the hasher of Django algorithm name, one of
// HasherNames, with p's costs: Argon2Hasher (argon2id) for "argon2",
// PBKDF2Hasher for "pbkdf2_sha256", BcryptSHA256Hasher for
// "bcrypt_sha256", and ScryptHasher with Django's parameters for "scrypt".
// It is the Preferred hasher of a Set configured by name, as from a
// settings file.
//
// An unknown name, an unknown p.Argon2Implementation, or costs that the
// hasher would refuse to hash with (out of bounds, or above the limits of
// ErrCostTooHigh) are an error, so that a configuration mistake shows at
// start-up rather than at the first signup.
func HasherByName(name string, p HasherParams) (Hasher, error) {
	if _, err := ParseArgon2Implementation(string(p.Argon2Implementation)); err != nil {
		return nil, err
	}
	switch name {
	case "argon2":
		h := Argon2Hasher{Memory: p.Argon2Memory, Time: p.Argon2Time, Threads: p.Argon2Threads,
			Implementation: p.Argon2Implementation}
		m, t, threads := h.params()
		if err := checkArgon2Cost(uint64(m), uint64(t), uint64(threads)); err != nil {
			return nil, err
		}
		return h, nil
	case "pbkdf2_sha256":
		if p.PBKDF2Iterations < 0 {
			return nil, fmt.Errorf("%w: pbkdf2 iterations %d below 0", ErrBounds, p.PBKDF2Iterations)
		}
		h := PBKDF2Hasher{Iterations: p.PBKDF2Iterations}
		if n := uint64(h.iterations()); n > limits.pbkdf2Iter {
			return nil, fmt.Errorf("%w: pbkdf2 iterations %d above %d", ErrCostTooHigh, n, limits.pbkdf2Iter)
		}
		return h, nil
	case "bcrypt_sha256":
		if c := p.BcryptCost; c != 0 && (c < 4 || c > limits.bcryptCost) {
			err := ErrBounds
			if c > limits.bcryptCost {
				err = ErrCostTooHigh
			}
			return nil, fmt.Errorf("%w: bcrypt cost %d not in [4, %d]", err, c, limits.bcryptCost)
		}
		return BcryptSHA256Hasher{Cost: p.BcryptCost}, nil
	case "scrypt":
		return ScryptHasher{}, nil
	}
	return nil, fmt.Errorf("password: unknown hasher %q (want %s or %s)", name,
		strings.Join(hasherNames[:len(hasherNames)-1], ", "), hasherNames[len(hasherNames)-1])
}

// NewSetByName returns a Set whose Preferred hasher is HasherByName(name,
// p) and which, like DefaultSet, verifies every format Django has written,
// so that changing the preferred hasher locks no one out: hashes of other
// algorithms keep verifying and are upgraded at their users' next login.
// Argon2 hashes are verified with p.Argon2Implementation whichever hasher
// is preferred.
func NewSetByName(name string, p HasherParams) (*Set, error) {
	preferred, err := HasherByName(name, p)
	if err != nil {
		return nil, err
	}
	return NewSet(preferred, acceptedHashers(p.Argon2Implementation)...), nil
}
