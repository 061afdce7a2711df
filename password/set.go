package password

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
)

// Set is the hashing policy of an application: one Preferred hasher for new
// hashes and any number of Accepted ones for verifying older hashes, as
// Django's PASSWORD_HASHERS (first entry preferred). A Set is safe for
// concurrent use; do not copy it after first use.
//
// Every hash computation of a Set (Hash, Verify, VerifyDummy) holds one of
// MaxConcurrent slots, so a burst of logins queues instead of each
// allocating argon2's memory at once. The wait for a slot ends with the
// caller's context: a request whose client has gone away leaves the queue
// instead of hashing for nobody.
type Set struct {
	Preferred Hasher
	Accepted  []Hasher

	// MaxConcurrent bounds concurrent hash computations. Zero means
	// runtime.GOMAXPROCS(0), the goroutines Go runs at once (the CPUs, or
	// fewer under a container's CPU limit): hashing is CPU-bound, so more at
	// once adds memory (19 MiB per argon2id hash) and no throughput. It is
	// read once, at first use.
	MaxConcurrent int

	semOnce   sync.Once
	sem       chan struct{}
	dummyOnce sync.Once
	dummy     string
}

// NewSet returns a Set hashing with preferred and verifying hashes of
// preferred's and accepted's algorithms.
func NewSet(preferred Hasher, accepted ...Hasher) *Set {
	return &Set{Preferred: preferred, Accepted: accepted}
}

// DefaultSet returns a Set that hashes with argon2id (m=19 MiB, t=2, p=1)
// and accepts every format Django has written: pbkdf2_sha256, pbkdf2_sha1,
// argon2 (all variants), bcrypt_sha256, bcrypt, scrypt, and the legacy sha1,
// md5, unsalted_sha1 and unsalted_md5. Its Accepted hashers include one of
// each, argon2 too, so that a Set built as NewSet(other,
// DefaultSet().Accepted...) still verifies argon2 hashes.
func DefaultSet() *Set {
	return NewSet(Argon2Hasher{}, acceptedHashers(Argon2Gatehouse)...)
}

// acceptedHashers returns a hasher for every format Django has written,
// argon2 computed by impl.
func acceptedHashers(impl Argon2Implementation) []Hasher {
	return []Hasher{Argon2Hasher{Implementation: impl},
		PBKDF2Hasher{}, PBKDF2Hasher{Digest: DigestSHA1},
		BcryptSHA256Hasher{}, BcryptHasher{}, ScryptHasher{},
		SHA1Hasher{}, MD5Hasher{}, UnsaltedSHA1Hasher{}, UnsaltedMD5Hasher{}}
}

// acquire takes a computation slot and returns the function releasing it.
// It returns an error wrapping ctx.Err() instead if ctx has ended, or ends
// while it waits: no hash is computed for a caller that has given up.
func (s *Set) acquire(ctx context.Context) (release func(), err error) {
	s.semOnce.Do(func() {
		n := s.MaxConcurrent
		if n <= 0 {
			n = runtime.GOMAXPROCS(0)
		}
		s.sem = make(chan struct{}, n)
	})
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("password: waiting for a hashing slot: %w", err)
	}
	select {
	case s.sem <- struct{}{}:
		return func() { <-s.sem }, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("password: waiting for a hashing slot: %w", ctx.Err())
	}
}

// Hash returns the Preferred hasher's encoding of Normalize(pw). A password
// longer than MaxLength bytes (before or after normalization) gets ErrTooLong.
// If ctx ends before a computation slot is free, Hash returns an error
// wrapping ctx.Err().
func (s *Set) Hash(ctx context.Context, pw string) (string, error) {
	if len(pw) > MaxLength {
		return "", ErrTooLong
	}
	if s.Preferred == nil {
		return "", ErrNoHasher
	}
	n := Normalize(pw)
	if len(n) > MaxLength {
		return "", ErrTooLong
	}
	release, err := s.acquire(ctx)
	if err != nil {
		return "", err
	}
	defer release()
	return s.Preferred.Hash(n)
}

// Verify reports whether pw matches encoded. When it does and the hash
// should be upgraded, because it is not of the Preferred algorithm, the
// Preferred hasher's NeedsUpdate says so, or it is an imported hash of a
// non-normalized password, newEncoded is a fresh Preferred hash of
// Normalize(pw) for the caller to store (empty if that hashing failed: the
// login still succeeds).
//
// pw is first tried exactly as typed, then, only if that fails and
// Normalize(pw) differs, normalized. The first try is for hashes imported
// from Django, which never normalized; the second for hashes made by Hash,
// which always does. No other variant (trimmed, case-folded, truncated) is
// ever tried.
//
// An empty or unusable ("!…") encoded is false with a nil error; a password
// longer than MaxLength is false with ErrTooLong before any hashing; an
// unknown algorithm is ErrUnknownAlgorithm and a malformed or out-of-bounds
// hash an error wrapping ErrMalformed or ErrBounds. The unusable and unknown
// cases run VerifyDummy so they take as long as a real check. If ctx ends
// before a computation slot is free, Verify returns false and an error
// wrapping ctx.Err().
func (s *Set) Verify(ctx context.Context, pw, encoded string) (ok bool, newEncoded string, err error) {
	if len(pw) > MaxLength {
		return false, "", ErrTooLong
	}
	if s.Preferred == nil {
		return false, "", ErrNoHasher
	}
	if !IsUsable(encoded) {
		return false, "", s.VerifyDummy(ctx, pw)
	}
	alg := identify(encoded)
	h := s.hasher(alg)
	if h == nil {
		if err := s.VerifyDummy(ctx, pw); err != nil {
			return false, "", err
		}
		return false, "", fmt.Errorf("%w: %.32q", ErrUnknownAlgorithm, alg)
	}
	release, err := s.acquire(ctx)
	if err != nil {
		return false, "", err
	}
	defer release()
	norm := Normalize(pw)
	ok, err = h.Verify(pw, encoded)
	rawMatched := ok
	if err == nil && !ok && norm != pw && len(norm) <= MaxLength {
		ok, err = h.Verify(norm, encoded)
	}
	if err != nil || !ok {
		return false, "", err
	}
	upgrade := (rawMatched && norm != pw) ||
		h.Algorithm() != s.Preferred.Algorithm() || s.Preferred.NeedsUpdate(encoded)
	if upgrade && len(norm) <= MaxLength {
		if enc, err := s.Preferred.Hash(norm); err == nil {
			newEncoded = enc
		}
	}
	return true, newEncoded, nil
}

// VerifyDummy runs the Preferred hasher against a fixed dummy hash, the way
// Verify would for a real account, and discards the result. Call it when
// the user does not exist so that the response takes as long as for one who
// does (Django's ModelBackend does the same). The dummy hash is made once,
// at first use. The only error is one wrapping ctx.Err(), when ctx ends
// before a computation slot is free.
func (s *Set) VerifyDummy(ctx context.Context, pw string) error {
	if len(pw) > MaxLength || s.Preferred == nil {
		return nil
	}
	release, err := s.acquire(ctx)
	if err != nil {
		return err
	}
	defer release()
	s.dummyOnce.Do(func() {
		s.dummy, _ = s.Preferred.Hash(randomString(40))
	})
	if s.dummy == "" {
		return nil
	}
	s.Preferred.Verify(pw, s.dummy)
	if norm := Normalize(pw); norm != pw && len(norm) <= MaxLength {
		s.Preferred.Verify(norm, s.dummy)
	}
	return nil
}

// Unusable returns a value for the password field of an account that must
// not log in with a password (for example one created by social login):
// "!" followed by 40 random characters, as Django's make_password(None).
// Verify never accepts it, and it differs for every account.
func (s *Set) Unusable() string { return "!" + randomString(40) }

// IsUsable reports whether encoded can ever match a password: false for an
// empty value and for Unusable's "!…" values.
func IsUsable(encoded string) bool {
	return encoded != "" && encoded[0] != '!'
}

// Algorithm returns the name of the algorithm of encoded, for display:
// "argon2", "pbkdf2_sha256", "bcrypt_sha256", "unsalted_md5" …; "unusable"
// for an empty or unusable value, "unknown" when no hasher of s handles it.
func (s *Set) Algorithm(encoded string) string {
	if !IsUsable(encoded) {
		return "unusable"
	}
	alg := identify(encoded)
	if s.hasher(alg) == nil {
		return "unknown"
	}
	return alg
}

// hasher returns the hasher of s for algorithm alg, or nil.
func (s *Set) hasher(alg string) Hasher {
	if s.Preferred != nil && s.Preferred.Algorithm() == alg {
		return s.Preferred
	}
	for _, h := range s.Accepted {
		if h != nil && h.Algorithm() == alg {
			return h
		}
	}
	return nil
}

// identify returns the algorithm of encoded as Django's identify_hasher:
// 32 characters without "$" or "md5$$"+32 are unsalted_md5, "sha1$$"+40 is
// unsalted_sha1, anything else is named by its prefix before the first "$".
func identify(encoded string) string {
	switch {
	case len(encoded) == 32 && !strings.Contains(encoded, "$"),
		len(encoded) == 37 && strings.HasPrefix(encoded, "md5$$"):
		return "unsalted_md5"
	case len(encoded) == 46 && strings.HasPrefix(encoded, "sha1$$"):
		return "unsalted_sha1"
	}
	alg, _, _ := strings.Cut(encoded, "$")
	return alg
}
