// Package opaque makes the random tokens that name server-side records
// (sessions, flows): 256 bits from crypto/rand, base64url in the cookie, and
// only their SHA-256 kept by the store, so a stolen database holds nothing
// a browser could present.
package opaque

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// Bytes is the entropy of a token: 256 bits.
const Bytes = 32

// New returns a fresh token (base64url, 43 characters) and the ID its record
// is stored under.
func New() (token, id string) {
	b := make([]byte, Bytes)
	rand.Read(b) // never fails (crypto/rand)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, Hash(token)
}

// Hash returns the storage ID of a token: hex(SHA-256(token)).
func Hash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Valid reports whether s has the shape New gives, so that junk cookies are
// refused before any store lookup.
func Valid(s string) bool {
	if len(s) != 43 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
