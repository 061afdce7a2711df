package password

import (
	"crypto/rand"
	"fmt"
	"strconv"
	"strings"
)

// limits holds the bounds applied to every parameter parsed from a stored
// hash. They are variables only so that fuzz tests can lower them; the
// package never changes them.
//
//	encoded hash length       ≤ 4096 bytes
//	salt length               1..256 bytes (argon2: 8..256)
//	pbkdf2 iterations         1..10,000,000
//	argon2 memory m           8·p..262,144 KiB (256 MiB)
//	argon2 time t             1..100
//	argon2 m × t              ≤ 1,048,576 KiB (1 GiB of blocks written)
//	argon2 parallelism p      1..16
//	argon2 hash length        4..1024 bytes
//	scrypt N                  power of two, 2..2^20
//	scrypt r, p               r 1..32, p 1..64, r·p ≤ 256
//	scrypt memory 128·N·r     ≤ 256 MiB
//	scrypt work 128·N·r·p     ≤ 1 GiB
//	bcrypt cost               4..16
//
// The upper bounds of the cost parameters (iterations, m, t, m × t, p,
// N, r, p, bcrypt cost) are ErrCostTooHigh: at each of them one
// verification takes about a second on a current x86-64 core (bcrypt at
// cost 16 about three) and at most 256 MiB, where the default costs take
// 50 to 200 milliseconds. They leave room above what Django writes: its
// argon2 defaults m=102400, t=2, p=8 are m × t = 204,800 KiB; PBKDF2
// 1,200,000 iterations (Django 6.0); bcrypt cost 12; scrypt N=2^14, r=8,
// p=5, 16 MiB and 80 MiB of work. Argon2's lanes run in parallel, so p
// also bounds how many CPUs one verification occupies.
var limits = struct {
	encodedLen      int
	saltLen         int
	pbkdf2Iter      uint64
	argon2Memory    uint64
	argon2Time      uint64
	argon2Work      uint64
	argon2Threads   uint64
	argon2HashLen   int
	scryptN         uint64
	scryptR         uint64
	scryptP         uint64
	scryptRP        uint64
	scryptMemBytes  uint64
	scryptWorkBytes uint64
	bcryptCost      int
}{
	encodedLen:      4096,
	saltLen:         256,
	pbkdf2Iter:      10_000_000,
	argon2Memory:    256 << 10,
	argon2Time:      100,
	argon2Work:      1 << 20,
	argon2Threads:   16,
	argon2HashLen:   1024,
	scryptN:         1 << 20,
	scryptR:         32,
	scryptP:         64,
	scryptRP:        256,
	scryptMemBytes:  256 << 20,
	scryptWorkBytes: 1 << 30,
	bcryptCost:      16,
}

// saltAlphabet is Django's RANDOM_STRING_CHARS.
const saltAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// saltChars is the length of the salts Gatehouse generates: like Django,
// ceil(128 / log2(62)) = 22 characters of saltAlphabet (131 bits).
const saltChars = 22

// randomString returns n characters drawn uniformly from saltAlphabet using
// crypto/rand (rejection sampling, no modulo bias).
func randomString(n int) string {
	const maxByte = 256 - 256%len(saltAlphabet) // 248
	out := make([]byte, 0, n)
	buf := make([]byte, n+n/4+8)
	for len(out) < n {
		rand.Read(buf)
		for _, b := range buf {
			if int(b) < maxByte && len(out) < n {
				out = append(out, saltAlphabet[int(b)%len(saltAlphabet)])
			}
		}
	}
	return string(out)
}

// newSalt returns a fresh Django-style salt.
func newSalt() string { return randomString(saltChars) }

// saltTooShort reports whether a text salt carries less than 128 bits when
// each character is worth log2(62) bits: Django's must_update_salt.
func saltTooShort(salt string) bool { return len(salt) < saltChars }

// parseDecimal parses a canonical unsigned decimal (no sign, no leading
// zeros) and checks it against [lo, hi]; a value outside is ErrBounds.
func parseDecimal(s, what string, lo, hi uint64) (uint64, error) {
	return parseNumber(s, what, lo, hi, ErrBounds)
}

// parseCost is parseDecimal for a cost parameter: a value above hi is
// ErrCostTooHigh (below lo, still ErrBounds).
func parseCost(s, what string, lo, hi uint64) (uint64, error) {
	return parseNumber(s, what, lo, hi, ErrCostTooHigh)
}

// parseNumber is parseDecimal with the error for a value above hi.
func parseNumber(s, what string, lo, hi uint64, above error) (uint64, error) {
	if s == "" {
		return 0, fmt.Errorf("%w: empty %s", ErrMalformed, what)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, fmt.Errorf("%w: %s is not a decimal number", ErrMalformed, what)
		}
	}
	if len(s) > 1 && s[0] == '0' {
		return 0, fmt.Errorf("%w: %s has leading zeros", ErrMalformed, what)
	}
	// The digits are canonical, so ParseUint fails only above 2^64-1.
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil || v > hi {
		return 0, fmt.Errorf("%w: %s %.24s above %d", above, what, s, hi)
	}
	if v < lo {
		return 0, fmt.Errorf("%w: %s %s below %d", ErrBounds, what, s, lo)
	}
	return v, nil
}

// checkEncoded rejects oversized encoded hashes before any parsing.
func checkEncoded(encoded string) error {
	if len(encoded) > limits.encodedLen {
		return fmt.Errorf("%w: encoded hash is %d bytes, limit %d", ErrBounds, len(encoded), limits.encodedLen)
	}
	return nil
}

// checkTextSalt validates a salt stored as text (pbkdf2, scrypt, sha1, md5).
func checkTextSalt(salt string) error {
	if salt == "" {
		return fmt.Errorf("%w: empty salt", ErrMalformed)
	}
	if strings.Contains(salt, "$") {
		return fmt.Errorf("%w: salt contains '$'", ErrMalformed)
	}
	if len(salt) > limits.saltLen {
		return fmt.Errorf("%w: salt is %d bytes, limit %d", ErrBounds, len(salt), limits.saltLen)
	}
	return nil
}

// splitFields splits encoded on "$" and checks the field count and the
// algorithm prefix.
func splitFields(encoded, algorithm string, n int) ([]string, error) {
	if err := checkEncoded(encoded); err != nil {
		return nil, err
	}
	f := strings.Split(encoded, "$")
	if f[0] != algorithm {
		return nil, fmt.Errorf("%w: not a %s hash", ErrMalformed, algorithm)
	}
	if len(f) != n {
		return nil, fmt.Errorf("%w: %s hash has %d fields, want %d", ErrMalformed, algorithm, len(f), n)
	}
	return f, nil
}
