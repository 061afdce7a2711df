// Package password hashes, verifies and validates passwords, compatible with
// the hashes django.contrib.auth stores.
//
// # Hashing
//
// A Hasher produces and verifies one of Django's encodings
// ("algorithm$…"): Argon2Hasher (argon2id, the default, m=19 MiB, t=2,
// p=1), PBKDF2Hasher (pbkdf2_sha256, pbkdf2_sha1), BcryptSHA256Hasher,
// BcryptHasher, ScryptHasher, and the verify-only legacy SHA1Hasher,
// MD5Hasher, UnsaltedSHA1Hasher and UnsaltedMD5Hasher. Hashes imported from
// a Django database verify unchanged.
//
// Applications use a Set (DefaultSet) rather than a Hasher: it hashes with
// its Preferred hasher, recognizes the algorithm of a stored hash, and
// returns an upgraded hash after a successful login with an older one
// (another algorithm, weaker parameters), like Django's check_password with
// a setter. It normalizes passwords to NFKC, refuses passwords longer than
// MaxLength bytes before hashing, bounds the number of concurrent hash
// computations, and equalizes the time of logins for unknown users
// (VerifyDummy).
//
// Every parameter read from a stored hash is bounded (iterations, memory,
// cost, salt and hash lengths): an out-of-range value is an error wrapping
// ErrBounds, a malformed one ErrMalformed, never a panic or a huge
// allocation. Comparisons are constant-time.
//
// # Validation
//
// Validate checks a new password with validators modelled on Django's:
// UserAttributeSimilarity, MinimumLength (8 code points), MaximumLength,
// CommonPassword (56,110 common passwords) and Numeric. Each Problem has a
// stable Code ("password_too_short", "password_too_similar", …) and Params
// for translated messages, plus a default English Message.
package password
