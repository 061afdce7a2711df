package loadgen

import (
	"fmt"
	"strconv"
	"strings"
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
}

// HasherNames are the accepted -hasher values.
var HasherNames = []string{"argon2", "pbkdf2_sha256", "bcrypt_sha256", "scrypt"}

// Environment variables read for the hash flags that are not given.
const (
	EnvHasher           = "GATEHOUSE_PASSWORD_HASHER"
	EnvPBKDF2Iterations = "GATEHOUSE_PASSWORD_PBKDF2_ITERATIONS"
	EnvArgon2MemoryKiB  = "GATEHOUSE_PASSWORD_ARGON2_MEMORY_KIB"
	EnvArgon2Time       = "GATEHOUSE_PASSWORD_ARGON2_TIME"
	EnvArgon2Threads    = "GATEHOUSE_PASSWORD_ARGON2_THREADS"
)

// hashEnv maps each hash flag to its environment variable.
var hashEnv = []struct{ flag, env string }{
	{"hasher", EnvHasher},
	{"pbkdf2-iterations", EnvPBKDF2Iterations},
	{"argon2-memory-kib", EnvArgon2MemoryKiB},
	{"argon2-time", EnvArgon2Time},
	{"argon2-threads", EnvArgon2Threads},
}

// DefaultHashConfig is the hasher used when neither flags nor environment
// choose one.
func DefaultHashConfig() HashConfig { return HashConfig{Algorithm: "argon2"} }

// Validate checks the algorithm name.
func (h *HashConfig) Validate() error {
	for _, n := range HasherNames {
		if h.Algorithm == n {
			return nil
		}
	}
	return fmt.Errorf("unknown -hasher %q (known: %s)", h.Algorithm, strings.Join(HasherNames, ", "))
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

// String describes the hasher and its non-default parameters, e.g.
// "argon2 memory=65536KiB time=2 threads=default".
func (h HashConfig) String() string {
	param := func(name string, v uint64, unit string) string {
		if v == 0 {
			return " " + name + "=default"
		}
		return fmt.Sprintf(" %s=%d%s", name, v, unit)
	}
	switch h.Algorithm {
	case "argon2":
		return "argon2" + param("memory", uint64(h.Argon2MemoryKiB), "KiB") +
			param("time", uint64(h.Argon2Time), "") + param("threads", uint64(h.Argon2Threads), "")
	case "pbkdf2_sha256":
		return "pbkdf2_sha256" + param("iterations", uint64(max(h.PBKDF2Iterations, 0)), "")
	}
	return h.Algorithm + " (default parameters)"
}
