package session

import (
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/opaque"
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

// TokenBytes is the entropy of a token: 256 bits.
const TokenBytes = opaque.Bytes

// NewToken returns a fresh random token (base64url, 43 characters) and the
// ID its record is stored under.
func NewToken() (token, id string) { return opaque.New() }

// HashToken returns the storage ID of a token.
func HashToken(token string) string { return opaque.Hash(token) }

// ValidToken reports whether s has the shape NewToken gives, so that junk
// cookies are refused before any store lookup.
func ValidToken(s string) bool { return opaque.Valid(s) }
