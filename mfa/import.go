package mfa

import (
	"crypto/rand"
	"errors"
	"fmt"
)

// NewRecoverySetFromCodes returns a set that holds codes, made elsewhere
// (allauth's, which import-django carries over), under a fresh random salt:
// each is stored as its keyed hash under key (RecoveryKey), and Use accepts
// it once. total is the size of the set the codes are left of (at least
// len(codes)). Codes are decimal digits (spaces and dashes are ignored),
// at most 20; a repeated code is kept once.
func NewRecoverySetFromCodes(key []byte, codes []string, total int) (*RecoverySet, error) {
	if len(key) < 32 {
		return nil, errors.New("mfa: recovery codes: the key must be at least 32 bytes")
	}
	if total < len(codes) {
		total = len(codes)
	}
	set := &RecoverySet{Salt: make([]byte, 16), Hashes: [][]byte{}, Total: total}
	if _, err := rand.Read(set.Salt); err != nil {
		return nil, fmt.Errorf("mfa: recovery codes: %w", err)
	}
	seen := make(map[string]bool, len(codes))
	for i, c := range codes {
		code := normalizeDigits(c)
		if code == "" || len(code) > 20 {
			return nil, fmt.Errorf("mfa: recovery codes: code %d is not 1 to 20 digits", i)
		}
		if seen[code] {
			continue
		}
		seen[code] = true
		set.Hashes = append(set.Hashes, recoveryHash(key, set.Salt, code))
	}
	return set, nil
}
