package mfa

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
)

// Recovery tunes recovery codes. Its zero value is allauth's defaults: 10
// codes of 8 digits.
type Recovery struct {
	// Count is how many codes a set has (MFA_RECOVERY_CODE_COUNT); 0 is 10.
	Count int
	// Digits is the length of a code (MFA_RECOVERY_CODE_DIGITS); 0 is 8.
	Digits int
}

// ErrBadRecovery reports recovery-code settings out of range.
var ErrBadRecovery = errors.New("mfa: recovery codes: count must be 1 to 100 and digits 6 to 20")

// RecoverySet is a set of recovery codes as stored: a random salt and the
// keyed hashes of the codes not used yet, plus the size of the set. It
// holds nothing a code can be read back from.
type RecoverySet struct {
	Salt   []byte   `json:"salt"`
	Hashes [][]byte `json:"hashes"`
	Total  int      `json:"total"`
}

func (r Recovery) count() int {
	if r.Count == 0 {
		return 10
	}
	return r.Count
}

func (r Recovery) digits() int {
	if r.Digits == 0 {
		return 8
	}
	return r.Digits
}

// Check validates r's settings.
func (r Recovery) Check() error {
	if c, d := r.count(), r.digits(); c < 1 || c > 100 || d < 6 || d > 20 {
		return ErrBadRecovery
	}
	return nil
}

// New makes a set: the codes to show the user once, and what to store.
// key is the caller's secret for recovery codes (derived from the secret
// key for this purpose alone); at least 32 bytes.
func (r Recovery) New(key []byte) (codes []string, set *RecoverySet, err error) {
	if err := r.Check(); err != nil {
		return nil, nil, err
	}
	if len(key) < 32 {
		return nil, nil, errors.New("mfa: recovery codes: the key must be at least 32 bytes")
	}
	set = &RecoverySet{Salt: make([]byte, 16), Total: r.count()}
	if _, err := rand.Read(set.Salt); err != nil {
		return nil, nil, fmt.Errorf("mfa: recovery codes: %w", err)
	}
	seen := map[string]bool{}
	for len(codes) < r.count() {
		c, err := randomDigits(r.digits())
		if err != nil {
			return nil, nil, err
		}
		if seen[c] {
			continue
		}
		seen[c] = true
		codes = append(codes, c)
		set.Hashes = append(set.Hashes, recoveryHash(key, set.Salt, c))
	}
	return codes, set, nil
}

// Use spends typed if it is one of the set's unused codes: it reports
// whether it was, and removes it from the set (the caller stores the set
// again, in the same transaction as it reads it, so that two requests
// cannot spend one code twice). One HMAC per call; the comparison with
// every stored hash is in constant time. Spaces and dashes are ignored.
func (s *RecoverySet) Use(key []byte, typed string) bool {
	code := normalizeDigits(typed)
	if code == "" || len(code) > 20 {
		return false
	}
	h := recoveryHash(key, s.Salt, code)
	found := -1
	for i, stored := range s.Hashes {
		if subtle.ConstantTimeCompare(stored, h) == 1 && found < 0 {
			found = i
		}
	}
	if found < 0 {
		return false
	}
	s.Hashes = append(s.Hashes[:found:found], s.Hashes[found+1:]...)
	return true
}

// Left returns how many codes of the set are unused.
func (s *RecoverySet) Left() int { return len(s.Hashes) }

// recoveryHash is HMAC-SHA256(key, len(salt) ‖ salt ‖ code).
func recoveryHash(key, salt []byte, code string) []byte {
	m := hmac.New(sha256.New, key)
	var n [2]byte
	binary.BigEndian.PutUint16(n[:], uint16(len(salt)))
	m.Write(n[:])
	m.Write(salt)
	m.Write([]byte(code))
	return m.Sum(nil)
}

// randomDigits returns n uniformly random decimal digits.
func randomDigits(n int) (string, error) {
	var b strings.Builder
	buf := make([]byte, 1)
	for b.Len() < n {
		if _, err := rand.Read(buf); err != nil {
			return "", fmt.Errorf("mfa: recovery codes: %w", err)
		}
		if buf[0] >= 250 { // 250 = 25 × 10: no bias
			continue
		}
		b.WriteByte('0' + buf[0]%10)
	}
	return b.String(), nil
}
