package loadgen

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gatehouse-auth/gatehouse/password"
)

// HashConfig selects the password hasher of the hash scenario, with the
// same names and parameters as the server's GATEHOUSE_PASSWORD_* settings.
// A zero parameter means the password package's default.
type HashConfig struct {
	Algorithm        string // one of HasherNames
	PBKDF2Iterations int
	Argon2MemoryKiB  uint32
	Argon2Time       uint32
	Argon2Threads    uint8
	BcryptCost       int
}

// HasherNames are the accepted -hasher values, the server's.
var HasherNames = password.HasherNames()

// Environment variables read for the hash flags that are not given.
const (
	EnvHasher           = "GATEHOUSE_PASSWORD_HASHER"
	EnvPBKDF2Iterations = "GATEHOUSE_PASSWORD_PBKDF2_ITERATIONS"
	EnvArgon2MemoryKiB  = "GATEHOUSE_PASSWORD_ARGON2_MEMORY_KIB"
	EnvArgon2Time       = "GATEHOUSE_PASSWORD_ARGON2_TIME"
	EnvArgon2Threads    = "GATEHOUSE_PASSWORD_ARGON2_THREADS"
	EnvBcryptCost       = "GATEHOUSE_PASSWORD_BCRYPT_COST"
)

// hashEnv maps each hash flag to its environment variable.
var hashEnv = []struct{ flag, env string }{
	{"hasher", EnvHasher},
	{"pbkdf2-iterations", EnvPBKDF2Iterations},
	{"argon2-memory-kib", EnvArgon2MemoryKiB},
	{"argon2-time", EnvArgon2Time},
	{"argon2-threads", EnvArgon2Threads},
	{"bcrypt-cost", EnvBcryptCost},
}

// DefaultHashConfig is the hasher used when neither flags nor environment
// choose one.
func DefaultHashConfig() HashConfig { return HashConfig{Algorithm: "argon2"} }

// Validate checks the algorithm name and the parameters that the password
// package would not accept (zero means its default).
func (h *HashConfig) Validate() error {
	known := false
	for _, n := range HasherNames {
		known = known || h.Algorithm == n
	}
	switch {
	case !known:
		return fmt.Errorf("unknown -hasher %q (known: %s)", h.Algorithm, strings.Join(HasherNames, ", "))
	case h.PBKDF2Iterations < 0:
		return fmt.Errorf("-pbkdf2-iterations must be ≥ 0")
	case h.BcryptCost != 0 && (h.BcryptCost < 4 || h.BcryptCost > 16):
		return fmt.Errorf("-bcrypt-cost must be 0 (default) or in [4, 16]")
	case h.Argon2MemoryKiB != 0 && h.Argon2MemoryKiB < 8*uint32(max(h.Argon2Threads, 1)):
		return fmt.Errorf("-argon2-memory-kib must be 0 (default) or ≥ 8 KiB per thread")
	}
	return nil
}

// ApplyEnv sets each hash parameter whose flag was not given (given[flag]
// is false) from its GATEHOUSE_PASSWORD_* variable, read with getenv, when
// that is not empty, so that a bench run matches the server's config.
func (h *HashConfig) ApplyEnv(getenv func(string) string, given map[string]bool) error {
	for _, fe := range hashEnv {
		v := strings.TrimSpace(getenv(fe.env))
		if given[fe.flag] || v == "" {
			continue
		}
		var err error
		switch fe.flag {
		case "hasher":
			h.Algorithm = strings.ToLower(v)
		case "pbkdf2-iterations":
			h.PBKDF2Iterations, err = strconv.Atoi(v)
		case "argon2-memory-kib":
			h.Argon2MemoryKiB, err = parseUint[uint32](v, 32)
		case "argon2-time":
			h.Argon2Time, err = parseUint[uint32](v, 32)
		case "argon2-threads":
			h.Argon2Threads, err = parseUint[uint8](v, 8)
		case "bcrypt-cost":
			h.BcryptCost, err = strconv.Atoi(v)
		}
		if err != nil {
			return fmt.Errorf("%s=%q: %w", fe.env, v, err)
		}
	}
	return nil
}

// parseUint parses a decimal that fits in bits bits.
func parseUint[T uint8 | uint32](s string, bits int) (T, error) {
	v, err := strconv.ParseUint(s, 10, bits)
	return T(v), err
}

// String describes the hasher with its effective parameters (zeros
// replaced by the password package's defaults), e.g.
// "argon2 memory=19456KiB time=2 threads=1".
func (h HashConfig) String() string {
	or := func(v, def uint64) uint64 {
		if v == 0 {
			return def
		}
		return v
	}
	switch h.Algorithm {
	case "argon2":
		return fmt.Sprintf("argon2 memory=%dKiB time=%d threads=%d",
			or(uint64(h.Argon2MemoryKiB), password.DefaultArgon2Memory),
			or(uint64(h.Argon2Time), password.DefaultArgon2Time),
			or(uint64(h.Argon2Threads), password.DefaultArgon2Threads))
	case "pbkdf2_sha256":
		return fmt.Sprintf("pbkdf2_sha256 iterations=%d", or(uint64(max(h.PBKDF2Iterations, 0)), password.DefaultPBKDF2Iterations))
	case "bcrypt_sha256":
		return fmt.Sprintf("bcrypt_sha256 cost=%d", or(uint64(max(h.BcryptCost, 0)), password.DefaultBcryptCost))
	case "scrypt":
		return fmt.Sprintf("scrypt N=%d r=%d p=%d", password.DefaultScryptN, password.DefaultScryptR, password.DefaultScryptP)
	}
	return h.Algorithm
}
