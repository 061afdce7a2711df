package password

import (
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
)

// Argon2 defaults (OWASP Password Storage Cheat Sheet, first option).
const (
	DefaultArgon2Memory  = 19456 // KiB (19 MiB)
	DefaultArgon2Time    = 2
	DefaultArgon2Threads = 1
	argon2KeyLen         = 16 // argon2-cffi's DEFAULT_HASH_LENGTH, as Django writes
	argon2MinSalt        = 8  // ARGON2_MIN_SALT_LENGTH of the reference library
)

// Argon2Hasher hashes with argon2id version 19 in Django's encoding
//
//	argon2$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>
//
// (salt and hash in unpadded standard base64; the salt is 22 characters of
// [A-Za-z0-9] like Django's, the hash 16 bytes like argon2-cffi's default).
// It verifies argon2id, argon2i and argon2d, version 19 and the old version 16,
// including the pre-2016 form without a "v=" field. Zero fields mean the
// defaults: Memory 19456 KiB, Time 2, Threads 1.
type Argon2Hasher struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

func (h Argon2Hasher) params() (m, t uint32, p uint8) {
	m, t, p = h.Memory, h.Time, h.Threads
	if m == 0 {
		m = DefaultArgon2Memory
	}
	if t == 0 {
		t = DefaultArgon2Time
	}
	if p == 0 {
		p = DefaultArgon2Threads
	}
	if m < 8*uint32(p) {
		m = 8 * uint32(p)
	}
	return m, t, p
}

// Algorithm returns "argon2".
func (Argon2Hasher) Algorithm() string { return "argon2" }

// Hash returns an argon2id hash of password with a fresh salt.
func (h Argon2Hasher) Hash(password string) (string, error) {
	m, t, p := h.params()
	salt := newSalt()
	key := argon2Key(argon2id, argon2Version13, []byte(password), []byte(salt), t, m, uint32(p), argon2KeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("argon2$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s",
		m, t, p, b64.EncodeToString([]byte(salt)), b64.EncodeToString(key)), nil
}

// Verify reports whether password matches an argon2 encoded hash.
func (h Argon2Hasher) Verify(password, encoded string) (bool, error) {
	a, err := parseArgon2(encoded)
	if err != nil {
		return false, err
	}
	key := argon2Key(a.mode, a.version, []byte(password), a.salt, a.time, a.memory, a.threads, uint32(len(a.hash)))
	return subtle.ConstantTimeCompare(key, a.hash) == 1, nil
}

// NeedsUpdate reports whether encoded is not argon2id version 19, or has
// memory, time or parallelism below h's, or a short salt or hash.
func (h Argon2Hasher) NeedsUpdate(encoded string) bool {
	a, err := parseArgon2(encoded)
	if err != nil {
		return true
	}
	m, t, p := h.params()
	return a.mode != argon2id || a.version != argon2Version13 ||
		a.memory < m || a.time < t || a.threads < uint32(p) ||
		len(a.salt) < 16 || len(a.hash) < argon2KeyLen
}

// argon2Hash is a parsed argon2 encoded hash.
type argon2Hash struct {
	mode, version         uint32
	memory, time, threads uint32
	salt, hash            []byte
}

var argon2Modes = map[string]uint32{"argon2d": argon2d, "argon2i": argon2i, "argon2id": argon2id}

// parseArgon2 parses "argon2$<type>[$v=<16|19>]$m=<m>,t=<t>,p=<p>$<salt>$<hash>"
// and checks every parameter against limits.
func parseArgon2(encoded string) (*argon2Hash, error) {
	if err := checkEncoded(encoded); err != nil {
		return nil, err
	}
	f := strings.Split(encoded, "$")
	if f[0] != "argon2" {
		return nil, fmt.Errorf("%w: not an argon2 hash", ErrMalformed)
	}
	a := &argon2Hash{version: argon2Version10}
	switch {
	case len(f) == 6 && strings.HasPrefix(f[2], "v="):
		v, err := parseDecimal(f[2][2:], "argon2 version", 0, 255)
		if err != nil {
			return nil, err
		}
		if v != argon2Version10 && v != argon2Version13 {
			return nil, fmt.Errorf("%w: argon2 version %d", ErrMalformed, v)
		}
		a.version = uint32(v)
		f = append(f[:2], f[3:]...)
	case len(f) == 5:
		// pre-2016 encoding without "v=": version 0x10
	default:
		return nil, fmt.Errorf("%w: argon2 hash has %d fields", ErrMalformed, len(f))
	}
	mode, ok := argon2Modes[f[1]]
	if !ok {
		return nil, fmt.Errorf("%w: argon2 type %.20q", ErrMalformed, f[1])
	}
	a.mode = mode
	kv := strings.Split(f[2], ",")
	if len(kv) != 3 {
		return nil, fmt.Errorf("%w: argon2 parameters %.40q", ErrMalformed, f[2])
	}
	specs := []struct {
		key    string
		lo, hi uint64
		dst    *uint32
	}{
		{"m=", 1, limits.argon2Memory, &a.memory},
		{"t=", 1, limits.argon2Time, &a.time},
		{"p=", 1, limits.argon2Threads, &a.threads},
	}
	for i, s := range specs {
		val, ok := strings.CutPrefix(kv[i], s.key)
		if !ok {
			return nil, fmt.Errorf("%w: argon2 parameters %.40q", ErrMalformed, f[2])
		}
		v, err := parseDecimal(val, "argon2 "+s.key[:1], s.lo, s.hi)
		if err != nil {
			return nil, err
		}
		*s.dst = uint32(v)
	}
	if a.memory < 8*a.threads {
		return nil, fmt.Errorf("%w: argon2 memory %d KiB below 8·p", ErrBounds, a.memory)
	}
	var err error
	b64 := base64.RawStdEncoding.Strict()
	if a.salt, err = b64.DecodeString(f[3]); err != nil {
		return nil, fmt.Errorf("%w: argon2 salt: %v", ErrMalformed, err)
	}
	if a.hash, err = b64.DecodeString(f[4]); err != nil {
		return nil, fmt.Errorf("%w: argon2 hash: %v", ErrMalformed, err)
	}
	if len(a.salt) < argon2MinSalt || len(a.salt) > limits.saltLen {
		return nil, fmt.Errorf("%w: argon2 salt of %d bytes", ErrBounds, len(a.salt))
	}
	if len(a.hash) < 4 || len(a.hash) > limits.argon2HashLen {
		return nil, fmt.Errorf("%w: argon2 hash of %d bytes", ErrBounds, len(a.hash))
	}
	return a, nil
}
