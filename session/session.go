package session

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"
)

// Session is one logged-in browser (or API client).
type Session struct {
	// ID is hex(SHA-256(token)); the token itself is never stored.
	ID         string
	UserID     int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	// ExpiresAt is the absolute end of the session, whatever its activity.
	ExpiresAt time.Time
	// Remember marks a "remember me" session: its cookie outlives the browser.
	Remember  bool
	IP        string
	UserAgent string
	// AuthAt is when the user last proved who they are (login or reauth).
	AuthAt time.Time
}

// TokenBytes is the entropy of a session token: 256 bits.
const TokenBytes = 32

// NewToken returns a fresh random token (base64url, 43 characters) and the ID
// under which its session is stored.
func NewToken() (token, id string) {
	b := make([]byte, TokenBytes)
	rand.Read(b) // never fails (crypto/rand)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token)
}

// HashToken returns the storage ID of a token.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// ValidToken reports whether s has the shape of a token NewToken makes, so that
// junk cookies are refused before any store lookup.
func ValidToken(s string) bool {
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
