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
// (VerifyDummy). Waiting for a computation slot ends with the caller's
// context.
//
// Every parameter read from a stored hash is bounded (iterations, memory,
// cost, salt and hash lengths): an out-of-range value is an error wrapping
// ErrBounds, a malformed one ErrMalformed, never a panic or a huge
// allocation. Costs above these limits wrap ErrCostTooHigh (a kind of
// ErrBounds), whether read from a hash or set on a hasher:
//
//	argon2     memory ≤ 262,144 KiB (256 MiB), time ≤ 100,
//	           memory × time ≤ 1,048,576 KiB, parallelism ≤ 16
//	pbkdf2     iterations ≤ 10,000,000
//	bcrypt     cost ≤ 16
//	scrypt     N ≤ 2^20, r ≤ 32, p ≤ 64, r·p ≤ 256,
//	           memory 128·N·r ≤ 256 MiB, 128·N·r·p ≤ 1 GiB
//
// At any of them one verification takes about a second on a current
// x86-64 core (bcrypt at cost 16 about three), so a hash imported from
// elsewhere or planted in the database cannot make a login run for minutes
// or allocate gigabytes; Django's own defaults (argon2 m=102400, t=2, p=8,
// PBKDF2 1,200,000 iterations, bcrypt 12, scrypt N=2^14, r=8, p=5) are
// well below them. Comparisons are constant-time.
//
// Argon2 is computed by Gatehouse's own implementation, about twice as
// fast as golang.org/x/crypto/argon2 and tested against it; an
// Argon2Hasher's Implementation field (Argon2XCrypto) switches to
// x/crypto's. HasherByName and NewSetByName build hashers and Sets from
// algorithm names and HasherParams, as a configuration file names them.
//
// # Validation
//
// Validate checks a new password with validators modelled on Django's:
// UserAttributeSimilarity, MinimumLength (8 code points), MaximumLength,
// CommonPassword (56,110 common passwords) and Numeric. Each Problem has a
// stable Code ("password_too_short", "password_too_similar", …) and Params
// for translated messages, plus a default English Message.
package password
