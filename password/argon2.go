package password

import (
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"math"
	"strings"

	xargon2 "golang.org/x/crypto/argon2"
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
// defaults: Memory 19456 KiB, Time 2, Threads 1, and Gatehouse's own
// implementation of Argon2.
//
// Hash refuses, and Verify rejects with an error wrapping ErrCostTooHigh,
// parameters above 262,144 KiB (256 MiB) of memory, 100 passes, 16 lanes,
// or 1,048,576 KiB for memory × passes; Django's defaults (m=102400, t=2,
// p=8) are well within them.
type Argon2Hasher struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8

	// Implementation selects the code computing Argon2: Gatehouse's own
	// (the zero value, or Argon2Gatehouse), or golang.org/x/crypto/argon2
	// (Argon2XCrypto). Both give the same hashes; any other value makes
	// Hash and Verify fail.
	Implementation Argon2Implementation
}

// Argon2Implementation names the code that computes an Argon2Hasher's
// hashes.
type Argon2Implementation string

const (
	// Argon2Gatehouse is Gatehouse's Argon2, the default: every type and
	// version, block memory from a pool kept between hashes, AVX2 on CPUs
	// that have it. Its output is tested against golang.org/x/crypto/argon2,
	// the RFC 9106 test vectors, the reference implementation's test
	// vectors and hashes made by Django.
	Argon2Gatehouse Argon2Implementation = "gatehouse"

	// Argon2XCrypto is golang.org/x/crypto/argon2, for deployments that
	// would rather run the Go project's code, for an audit or on an
	// unusual CPU. It takes about twice as long per hash, and allocates the
	// whole memory of every hash where Gatehouse's reuses a pool. x/crypto computes only argon2i and
	// argon2id of version 19; the other hashes Django may have stored
	// (argon2d, and version 16, which Django wrote before 2016) are still
	// verified, by Gatehouse's Argon2, so that their users can log in and
	// have them upgraded.
	Argon2XCrypto Argon2Implementation = "x/crypto"
)

// ParseArgon2Implementation returns the Argon2Implementation named s:
// "gatehouse" or "x/crypto". An empty s is Argon2Gatehouse.
func ParseArgon2Implementation(s string) (Argon2Implementation, error) {
	switch i := Argon2Implementation(s); i {
	case "", Argon2Gatehouse:
		return Argon2Gatehouse, nil
	case Argon2XCrypto:
		return i, nil
	}
	return "", fmt.Errorf("password: unknown argon2 implementation %q (want %q or %q)", s, Argon2Gatehouse, Argon2XCrypto)
}

// key derives keyLen bytes of Argon2 with the implementation h selects.
func (h Argon2Hasher) key(mode, version uint32, password, salt []byte, time, memory, threads, keyLen uint32) ([]byte, error) {
	switch h.Implementation {
	case "", Argon2Gatehouse:
	case Argon2XCrypto:
		// threads ≤ limits.argon2Threads, far below 256.
		switch {
		case version == argon2Version13 && mode == argon2id:
			return xargon2.IDKey(password, salt, time, memory, uint8(threads), keyLen), nil
		case version == argon2Version13 && mode == argon2i:
			return xargon2.Key(password, salt, time, memory, uint8(threads), keyLen), nil
		}
	default:
		_, err := ParseArgon2Implementation(string(h.Implementation))
		return nil, err
	}
	return argon2Key(mode, version, password, salt, time, memory, threads, keyLen), nil
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
	if err := checkArgon2Cost(uint64(m), uint64(t), uint64(p)); err != nil {
		return "", err
	}
	salt := newSalt()
	key, err := h.key(argon2id, argon2Version13, []byte(password), []byte(salt), t, m, uint32(p), argon2KeyLen)
	if err != nil {
		return "", err
	}
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
	key, err := h.key(a.mode, a.version, []byte(password), a.salt, a.time, a.memory, a.threads, uint32(len(a.hash)))
	if err != nil {
		return false, err
	}
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

// checkArgon2Cost checks memory m (KiB), time t and parallelism p against
// limits: the memory of one hash, the blocks it writes (m × t) and the
// lanes it runs at once.
func checkArgon2Cost(m, t, p uint64) error {
	switch {
	case m > limits.argon2Memory:
		return fmt.Errorf("%w: argon2 memory %d KiB above %d", ErrCostTooHigh, m, limits.argon2Memory)
	case t > limits.argon2Time:
		return fmt.Errorf("%w: argon2 time %d above %d", ErrCostTooHigh, t, limits.argon2Time)
	case m*t > limits.argon2Work:
		return fmt.Errorf("%w: argon2 memory × time %d KiB above %d", ErrCostTooHigh, m*t, limits.argon2Work)
	case p > limits.argon2Threads:
		return fmt.Errorf("%w: argon2 parallelism %d above %d", ErrCostTooHigh, p, limits.argon2Threads)
	}
	return nil
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
	var mtp [3]uint64
	for i, key := range []string{"m=", "t=", "p="} {
		val, ok := strings.CutPrefix(kv[i], key)
		if !ok {
			return nil, fmt.Errorf("%w: argon2 parameters %.40q", ErrMalformed, f[2])
		}
		v, err := parseCost(val, "argon2 "+key[:1], 1, math.MaxUint32)
		if err != nil {
			return nil, err
		}
		mtp[i] = v
	}
	if err := checkArgon2Cost(mtp[0], mtp[1], mtp[2]); err != nil {
		return nil, err
	}
	a.memory, a.time, a.threads = uint32(mtp[0]), uint32(mtp[1]), uint32(mtp[2])
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
