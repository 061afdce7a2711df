package password

import (
	"crypto/subtle"
	"encoding/base64"
	"fmt"

	"golang.org/x/crypto/scrypt"
)

// Scrypt defaults, as Django's ScryptPasswordHasher (Django 4.0+).
const (
	DefaultScryptN = 1 << 14
	DefaultScryptR = 8
	DefaultScryptP = 5
	scryptKeyLen   = 64
)

// ScryptHasher hashes with scrypt in Django's encoding
//
//	scrypt$<N>$<salt>$<r>$<p>$<base64 of 64 bytes>
//
// (padded standard base64; the salt is used as text). Zero fields mean
// Django's defaults: N=16384, r=8, p=5. Parameters, in h or in a stored
// hash, needing more than 256 MiB or writing more than 1 GiB are
// ErrCostTooHigh.
type ScryptHasher struct {
	N, R, P int
}

func (h ScryptHasher) params() (n, r, p int) {
	n, r, p = h.N, h.R, h.P
	if n <= 0 {
		n = DefaultScryptN
	}
	if r <= 0 {
		r = DefaultScryptR
	}
	if p <= 0 {
		p = DefaultScryptP
	}
	return n, r, p
}

// Algorithm returns "scrypt".
func (ScryptHasher) Algorithm() string { return "scrypt" }

// Hash returns a scrypt hash of password with a fresh salt.
func (h ScryptHasher) Hash(password string) (string, error) {
	n, r, p := h.params()
	if err := checkScrypt(uint64(n), uint64(r), uint64(p)); err != nil {
		return "", err
	}
	salt := newSalt()
	key, err := scrypt.Key([]byte(password), []byte(salt), n, r, p, scryptKeyLen)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("scrypt$%d$%s$%d$%d$%s", n, salt, r, p, base64.StdEncoding.EncodeToString(key)), nil
}

// Verify reports whether password matches encoded.
func (h ScryptHasher) Verify(password, encoded string) (bool, error) {
	s, err := parseScrypt(encoded)
	if err != nil {
		return false, err
	}
	key, err := scrypt.Key([]byte(password), []byte(s.salt), s.n, s.r, s.p, scryptKeyLen)
	if err != nil {
		return false, fmt.Errorf("%w: %v", ErrBounds, err)
	}
	return subtle.ConstantTimeCompare(key, s.hash) == 1, nil
}

// NeedsUpdate reports whether encoded has N, r or p below h's, or a salt of
// less than 128 bits.
func (h ScryptHasher) NeedsUpdate(encoded string) bool {
	s, err := parseScrypt(encoded)
	if err != nil {
		return true
	}
	n, r, p := h.params()
	return s.n < n || s.r < r || s.p < p || saltTooShort(s.salt)
}

type scryptHash struct {
	n, r, p int
	salt    string
	hash    []byte
}

// checkScrypt checks scrypt's parameters against limits: the memory of one
// hash is 128·N·r bytes, and p computes that many blocks of it in turn.
func checkScrypt(n, r, p uint64) error {
	switch {
	case n > limits.scryptN:
		return fmt.Errorf("%w: scrypt N=%d above %d", ErrCostTooHigh, n, limits.scryptN)
	case n < 2 || n&(n-1) != 0:
		return fmt.Errorf("%w: scrypt N=%d is not a power of two ≥ 2", ErrBounds, n)
	case r < 1 || p < 1:
		return fmt.Errorf("%w: scrypt r=%d p=%d below 1", ErrBounds, r, p)
	case r > limits.scryptR || p > limits.scryptP || r*p > limits.scryptRP:
		return fmt.Errorf("%w: scrypt r=%d p=%d above r ≤ %d, p ≤ %d, r·p ≤ %d",
			ErrCostTooHigh, r, p, limits.scryptR, limits.scryptP, limits.scryptRP)
	case 128*n*r > limits.scryptMemBytes:
		return fmt.Errorf("%w: scrypt needs %d bytes, limit %d", ErrCostTooHigh, 128*n*r, limits.scryptMemBytes)
	case 128*n*r*p > limits.scryptWorkBytes:
		return fmt.Errorf("%w: scrypt writes %d bytes, limit %d", ErrCostTooHigh, 128*n*r*p, limits.scryptWorkBytes)
	}
	return nil
}

func parseScrypt(encoded string) (*scryptHash, error) {
	f, err := splitFields(encoded, "scrypt", 6)
	if err != nil {
		return nil, err
	}
	n, err := parseCost(f[1], "scrypt N", 0, 1<<40)
	if err != nil {
		return nil, err
	}
	r, err := parseCost(f[3], "scrypt r", 0, 1<<40)
	if err != nil {
		return nil, err
	}
	p, err := parseCost(f[4], "scrypt p", 0, 1<<40)
	if err != nil {
		return nil, err
	}
	if err := checkScrypt(n, r, p); err != nil {
		return nil, err
	}
	if err := checkTextSalt(f[2]); err != nil {
		return nil, err
	}
	sum, err := base64.StdEncoding.Strict().DecodeString(f[5])
	if err != nil || len(sum) != scryptKeyLen {
		return nil, fmt.Errorf("%w: scrypt hash is not base64 of %d bytes", ErrMalformed, scryptKeyLen)
	}
	return &scryptHash{n: int(n), r: int(r), p: int(p), salt: f[2], hash: sum}, nil
}
