package password

// Hasher hashes and verifies passwords in one of Django's encoded formats
// ("algorithm$…"). Implementations are safe for concurrent use.
type Hasher interface {
	// Algorithm is the prefix before the first "$", e.g. "pbkdf2_sha256".
	Algorithm() string
	// Hash returns the encoded hash of password with a fresh random salt.
	Hash(password string) (string, error)
	// Verify reports whether password matches encoded. A malformed or hostile
	// encoded string (out-of-bounds cost parameters …) is an error, never a panic.
	Verify(password, encoded string) (bool, error)
	// NeedsUpdate reports whether encoded was made with weaker parameters than
	// this hasher's current ones.
	NeedsUpdate(encoded string) bool
}
