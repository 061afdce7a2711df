package password

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

// DefaultBcryptCost is Django's bcrypt work factor.
const DefaultBcryptCost = 12

// bcryptMaxInput is the number of password bytes bcrypt looks at.
const bcryptMaxInput = 72

// BcryptSHA256Hasher hashes with bcrypt over hex(sha256(password)) in
// Django's encoding
//
//	bcrypt_sha256$$2b$12$<22-char salt><31-char hash>
//
// The SHA-256 pre-hash (64 hex bytes) avoids bcrypt's 72-byte truncation.
// A zero Cost means 12.
type BcryptSHA256Hasher struct {
	Cost int
}

// BcryptHasher hashes with plain bcrypt in Django's encoding
//
//	bcrypt$$2b$12$<22-char salt><31-char hash>
//
// bcrypt only reads the first 72 bytes of its input, so two long passwords
// sharing those 72 bytes would both match. BcryptHasher closes that trap:
// Hash refuses passwords longer than 72 bytes (ErrBcryptTruncation) and
// Verify returns false for them, even where Django would return true. A user
// whose imported hash is of such a password has to reset it. A zero Cost
// means 12.
type BcryptHasher struct {
	Cost int
}

func bcryptCost(c int) int {
	if c <= 0 {
		return DefaultBcryptCost
	}
	return c
}

// Algorithm returns "bcrypt_sha256".
func (BcryptSHA256Hasher) Algorithm() string { return "bcrypt_sha256" }

// Hash returns a bcrypt_sha256 hash of password with a fresh salt.
func (h BcryptSHA256Hasher) Hash(password string) (string, error) {
	return bcryptHash("bcrypt_sha256", sha256Hex(password), bcryptCost(h.Cost))
}

// Verify reports whether password matches encoded.
func (h BcryptSHA256Hasher) Verify(password, encoded string) (bool, error) {
	return bcryptVerify("bcrypt_sha256", sha256Hex(password), encoded)
}

// NeedsUpdate reports whether encoded has a lower cost than h.
func (h BcryptSHA256Hasher) NeedsUpdate(encoded string) bool {
	return bcryptNeedsUpdate("bcrypt_sha256", encoded, bcryptCost(h.Cost))
}

// Algorithm returns "bcrypt".
func (BcryptHasher) Algorithm() string { return "bcrypt" }

// Hash returns a bcrypt hash of password, or ErrBcryptTruncation when the
// password is longer than 72 bytes.
func (h BcryptHasher) Hash(password string) (string, error) {
	if len(password) > bcryptMaxInput {
		return "", ErrBcryptTruncation
	}
	return bcryptHash("bcrypt", []byte(password), bcryptCost(h.Cost))
}

// Verify reports whether password matches encoded. It is false, never true,
// for a password longer than 72 bytes (after checking encoded is well formed).
func (h BcryptHasher) Verify(password, encoded string) (bool, error) {
	if len(password) > bcryptMaxInput {
		if _, err := parseBcrypt("bcrypt", encoded); err != nil {
			return false, err
		}
		return false, nil
	}
	return bcryptVerify("bcrypt", []byte(password), encoded)
}

// NeedsUpdate reports whether encoded has a lower cost than h.
func (h BcryptHasher) NeedsUpdate(encoded string) bool {
	return bcryptNeedsUpdate("bcrypt", encoded, bcryptCost(h.Cost))
}

func sha256Hex(password string) []byte {
	sum := sha256.Sum256([]byte(password))
	return []byte(hex.EncodeToString(sum[:]))
}

func bcryptHash(algorithm string, input []byte, cost int) (string, error) {
	if cost > limits.bcryptCost {
		return "", fmt.Errorf("%w: bcrypt cost %d above %d", ErrCostTooHigh, cost, limits.bcryptCost)
	}
	if cost < bcrypt.MinCost {
		return "", fmt.Errorf("%w: bcrypt cost %d below %d", ErrBounds, cost, bcrypt.MinCost)
	}
	b, err := bcrypt.GenerateFromPassword(input, cost)
	if err != nil {
		return "", err
	}
	// x/crypto writes "$2a$"; Django (pyca/bcrypt) writes "$2b$". The two
	// compute the same function for inputs of at most 72 bytes.
	s := string(b)
	if strings.HasPrefix(s, "$2a$") {
		s = "$2b$" + s[4:]
	}
	return algorithm + "$" + s, nil
}

func bcryptVerify(algorithm string, input []byte, encoded string) (bool, error) {
	b, err := parseBcrypt(algorithm, encoded)
	if err != nil {
		return false, err
	}
	err = bcrypt.CompareHashAndPassword([]byte(b.raw), input)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, bcrypt.ErrMismatchedHashAndPassword):
		return false, nil
	}
	return false, fmt.Errorf("%w: %v", ErrMalformed, err)
}

func bcryptNeedsUpdate(algorithm, encoded string, cost int) bool {
	b, err := parseBcrypt(algorithm, encoded)
	return err != nil || b.cost < cost
}

type bcryptParsed struct {
	raw  string // "$2b$12$…", 60 bytes
	cost int
}

const bcryptAlphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// parseBcrypt checks "<algorithm>$$2{a,b,y}$<cost>$<53 chars>".
func parseBcrypt(algorithm, encoded string) (*bcryptParsed, error) {
	if err := checkEncoded(encoded); err != nil {
		return nil, err
	}
	raw, ok := strings.CutPrefix(encoded, algorithm+"$")
	if !ok {
		return nil, fmt.Errorf("%w: not a %s hash", ErrMalformed, algorithm)
	}
	f := strings.Split(raw, "$")
	if len(f) != 4 || f[0] != "" || (f[1] != "2a" && f[1] != "2b" && f[1] != "2y") || len(f[2]) != 2 || len(f[3]) != 53 {
		return nil, fmt.Errorf("%w: %s hash is not $2b$<cost>$<53 chars>", ErrMalformed, algorithm)
	}
	for i := 0; i < len(f[3]); i++ {
		if !strings.ContainsRune(bcryptAlphabet, rune(f[3][i])) {
			return nil, fmt.Errorf("%w: %s hash has a non-bcrypt-base64 byte", ErrMalformed, algorithm)
		}
	}
	cost := -1
	if f[2][0] >= '0' && f[2][0] <= '9' && f[2][1] >= '0' && f[2][1] <= '9' {
		cost = int(f[2][0]-'0')*10 + int(f[2][1]-'0')
	}
	if cost < 0 {
		return nil, fmt.Errorf("%w: bcrypt cost %q", ErrMalformed, f[2])
	}
	if cost > limits.bcryptCost {
		return nil, fmt.Errorf("%w: bcrypt cost %d above %d", ErrCostTooHigh, cost, limits.bcryptCost)
	}
	if cost < bcrypt.MinCost {
		return nil, fmt.Errorf("%w: bcrypt cost %d below %d", ErrBounds, cost, bcrypt.MinCost)
	}
	return &bcryptParsed{raw: raw, cost: cost}, nil
}
