package loadgen

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
)

// UserName returns the name of the i-th benchmark user of n: prefix followed
// by i mod n, as `gatehouse user bulk-create --prefix P --count N` names
// them (bench0 … bench{N-1}).
func UserName(prefix string, i int64, n int) string {
	if n < 1 {
		n = 1
	}
	return prefix + strconv.FormatInt(i%int64(n), 10)
}

// NewRunID returns 8 random hex digits that tell one run's signups from
// another's.
func NewRunID() string {
	var b [4]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// SignupName returns the unique name of a run's n-th signup. The dashes keep
// it apart from the bulk-created prefix{i} users.
func SignupName(prefix, runID string, n int64) string {
	return prefix + "-" + runID + "-" + strconv.FormatInt(n, 10)
}

// passwordAlphabet mixes cases, digits and punctuation, so that generated
// passwords pass any common password validator.
const passwordAlphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!#%*+-=?@^_~"

// StrongPassword returns a fresh random password of 20 characters: long
// enough and random enough for the server's validators (minimum length,
// common passwords, numeric-only, similarity to the username).
func StrongPassword() string {
	const n = 20
	out := make([]byte, 0, n)
	var buf [32]byte
	limit := 256 - 256%len(passwordAlphabet) // rejection sampling: no bias
	for len(out) < n {
		rand.Read(buf[:])
		for _, b := range buf {
			if int(b) < limit && len(out) < n {
				out = append(out, passwordAlphabet[int(b)%len(passwordAlphabet)])
			}
		}
	}
	return string(out)
}
