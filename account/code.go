package account

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"time"
)

// Codes are allauth's: 8 characters from an alphabet without vowels (no
// words, no look-alikes), shown as XXXX-XXXX. Typed codes are compared
// after upper-casing and dropping spaces and dashes.
const codeAlphabet = "BCDFGHJKLMNPQRSTVWXZ"

// codeLength is the number of characters of a code: 20⁸ ≈ 2.6·10¹⁰.
const codeLength = 8

// newCode returns a fresh code in its display form, XXXX-XXXX.
func newCode() string {
	b := make([]byte, codeLength)
	for i := range b {
		b[i] = codeAlphabet[randIndex(len(codeAlphabet))]
	}
	return string(b[:4]) + "-" + string(b[4:])
}

// randIndex returns a uniform random number in [0, n), n ≤ 256.
func randIndex(n int) int {
	limit := 256 - 256%n
	var x [1]byte
	for {
		rand.Read(x[:])
		if int(x[0]) < limit {
			return int(x[0]) % n
		}
	}
}

// normalizeCode turns what a user typed into the code's canonical form.
func normalizeCode(typed string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(typed) {
		if r != '-' && r != ' ' && r != '\t' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// pendingCode is a mailed code as a flow keeps it: a keyed hash, never the
// code, with its attempts and expiry.
type pendingCode struct {
	Hash     string    `json:"h"`
	Attempts int       `json:"n"`
	Expires  time.Time `json:"x"`
}

// codeHash is the keyed hash of a code (HMAC-SHA256 under the purpose's
// current key) kept in a flow.
func (s *Service) codeHash(purpose, code string) string {
	m := hmac.New(sha256.New, s.Keys.Key("account.code."+purpose))
	m.Write([]byte(normalizeCode(code)))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// newPendingCode makes a code for purpose, valid for ttl, and returns it
// with the state to keep.
func (s *Service) newPendingCode(purpose string, ttl time.Duration) (string, *pendingCode) {
	code := newCode()
	return code, &pendingCode{Hash: s.codeHash(purpose, code), Expires: s.now().Add(ttl)}
}

// checkCode counts an attempt at pc and reports whether typed matches. A
// code past its expiry or its attempts matches nothing; the caller saves pc
// (the attempt count) whatever the answer.
func (s *Service) checkCode(purpose string, pc *pendingCode, typed string) (ok, spent bool) {
	if pc == nil || s.now().After(pc.Expires) || pc.Attempts >= s.codeMaxAttempts() {
		return false, true
	}
	pc.Attempts++
	ok = hmac.Equal([]byte(pc.Hash), []byte(s.codeHash(purpose, typed)))
	return ok, !ok && pc.Attempts >= s.codeMaxAttempts()
}
