package password

import (
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"hash"
)

// DefaultPBKDF2Iterations is Django 6.0's PBKDF2 iteration count.
const DefaultPBKDF2Iterations = 1_200_000

// Digest names the PRF of a PBKDF2Hasher.
type Digest string

// Digests a PBKDF2Hasher supports. The zero Digest means DigestSHA256.
const (
	DigestSHA256 Digest = "sha256"
	DigestSHA1   Digest = "sha1"
)

// PBKDF2Hasher hashes with PBKDF2-HMAC in Django's encoding
//
//	pbkdf2_sha256$<iterations>$<salt>$<base64 of 32 bytes>
//	pbkdf2_sha1$<iterations>$<salt>$<base64 of 20 bytes>
//
// (padded standard base64; the salt is stored and used as text). Zero fields
// mean the defaults: 1,200,000 iterations and SHA-256. A Digest other than
// the two supported ones makes Hash fail and Verify reject every hash. More
// than 10,000,000 iterations, in h or in a stored hash, is ErrCostTooHigh.
type PBKDF2Hasher struct {
	Iterations int
	Digest     Digest
}

func (h PBKDF2Hasher) iterations() int {
	if h.Iterations <= 0 {
		return DefaultPBKDF2Iterations
	}
	return h.Iterations
}

func (h PBKDF2Hasher) prf() (func() hash.Hash, int, error) {
	switch h.Digest {
	case "", DigestSHA256:
		return sha256.New, sha256.Size, nil
	case DigestSHA1:
		return sha1.New, sha1.Size, nil
	}
	return nil, 0, fmt.Errorf("password: unsupported PBKDF2 digest %q", string(h.Digest))
}

// Algorithm returns "pbkdf2_sha256" or "pbkdf2_sha1".
func (h PBKDF2Hasher) Algorithm() string {
	if h.Digest == "" {
		return "pbkdf2_sha256"
	}
	return "pbkdf2_" + string(h.Digest)
}

// Hash returns a PBKDF2 hash of password with a fresh salt.
func (h PBKDF2Hasher) Hash(password string) (string, error) {
	prf, size, err := h.prf()
	if err != nil {
		return "", err
	}
	salt, iter := newSalt(), h.iterations()
	if uint64(iter) > limits.pbkdf2Iter {
		return "", fmt.Errorf("%w: pbkdf2 iterations %d above %d", ErrCostTooHigh, iter, limits.pbkdf2Iter)
	}
	key, err := pbkdf2.Key(prf, password, []byte(salt), iter, size)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s$%d$%s$%s", h.Algorithm(), iter, salt, base64.StdEncoding.EncodeToString(key)), nil
}

// Verify reports whether password matches encoded.
func (h PBKDF2Hasher) Verify(password, encoded string) (bool, error) {
	p, err := h.parse(encoded)
	if err != nil {
		return false, err
	}
	prf, size, _ := h.prf()
	key, err := pbkdf2.Key(prf, password, []byte(p.salt), p.iter, size)
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(key, p.hash) == 1, nil
}

// NeedsUpdate reports whether encoded uses fewer iterations than h, a salt
// of less than 128 bits, or another algorithm.
func (h PBKDF2Hasher) NeedsUpdate(encoded string) bool {
	p, err := h.parse(encoded)
	return err != nil || p.iter < h.iterations() || saltTooShort(p.salt)
}

type pbkdf2Hash struct {
	iter int
	salt string
	hash []byte
}

func (h PBKDF2Hasher) parse(encoded string) (*pbkdf2Hash, error) {
	_, size, err := h.prf()
	if err != nil {
		return nil, err
	}
	f, err := splitFields(encoded, h.Algorithm(), 4)
	if err != nil {
		return nil, err
	}
	iter, err := parseCost(f[1], "pbkdf2 iterations", 1, limits.pbkdf2Iter)
	if err != nil {
		return nil, err
	}
	if err := checkTextSalt(f[2]); err != nil {
		return nil, err
	}
	sum, err := base64.StdEncoding.Strict().DecodeString(f[3])
	if err != nil || len(sum) != size {
		return nil, fmt.Errorf("%w: pbkdf2 hash is not base64 of %d bytes", ErrMalformed, size)
	}
	return &pbkdf2Hash{iter: int(iter), salt: f[2], hash: sum}, nil
}
