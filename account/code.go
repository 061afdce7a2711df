package account

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
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

// checkCode counts an attempt at pc and reports whether typed matches. The
// attempts are counted atomically in the rate-limit store, under the code's
// hash, so that tries arriving at once cannot each find the flow as it was
// before the others (pc.Attempts, which the caller saves whatever the
// answer, mirrors that count). A code past its expiry or its attempts
// matches nothing.
func (s *Service) checkCode(ctx context.Context, purpose string, pc *pendingCode, typed string) (ok, spent bool, err error) {
	now := s.now()
	if pc == nil || now.After(pc.Expires) || pc.Attempts >= s.codeMaxAttempts() {
		return false, true, nil
	}
	pc.Attempts++
	if s.Limits != nil {
		n, err := s.Limits.Hit(ctx, "code_attempts:"+purpose+":"+pc.Hash, pc.Expires.Sub(now)+time.Second, now)
		if err != nil {
			return false, false, fmt.Errorf("account: code attempt: %w", err)
		}
		pc.Attempts = max(pc.Attempts, int(n.Count))
	}
	if pc.Attempts > s.codeMaxAttempts() {
		return false, true, nil
	}
	ok = hmac.Equal([]byte(pc.Hash), []byte(s.codeHash(purpose, typed)))
	return ok, !ok && pc.Attempts >= s.codeMaxAttempts(), nil
}
