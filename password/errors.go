package password

import "errors"

// ErrMalformed is returned (wrapped) when an encoded hash cannot be parsed:
// wrong number of fields, bad base64, non-decimal numbers, wrong algorithm
// prefix for the hasher it was given to.
var ErrMalformed = errors.New("password: malformed encoded hash")

// ErrBounds is returned (wrapped) when a parameter parsed from an encoded hash
// is outside the range Gatehouse is willing to compute: a hostile import must
// not be able to make one login allocate gigabytes or run for minutes.
var ErrBounds = errors.New("password: hash parameter out of bounds")

// ErrCostTooHigh is returned (wrapped) when a cost parameter of an encoded
// hash, or of a hasher's own settings, is above the limits Gatehouse
// computes (listed in the package documentation): a hash imported from
// elsewhere, or planted in the database, must not make one login run for
// seconds or allocate gigabytes. It is a kind of ErrBounds: an error that
// wraps it also satisfies errors.Is(err, ErrBounds).
var ErrCostTooHigh error = costTooHighError{}

// costTooHighError is the type of ErrCostTooHigh.
type costTooHighError struct{}

func (costTooHighError) Error() string { return "password: hash cost above Gatehouse's limits" }

// Is makes ErrCostTooHigh match ErrBounds.
func (costTooHighError) Is(target error) bool { return target == ErrBounds }

// ErrTooLong is returned by Set.Hash and Set.Verify, before any hashing, when
// the password is longer than MaxLength bytes.
var ErrTooLong = errors.New("password: password too long")

// ErrUnknownAlgorithm is returned by Set.Verify when no hasher of the Set
// handles the algorithm named by the encoded hash.
var ErrUnknownAlgorithm = errors.New("password: unknown hash algorithm")

// ErrBcryptTruncation is returned by BcryptHasher.Hash for a password longer
// than 72 bytes, which plain bcrypt would silently truncate.
var ErrBcryptTruncation = errors.New("password: plain bcrypt cannot hash more than 72 bytes")

// ErrNoHasher is returned by a Set whose Preferred hasher is nil.
var ErrNoHasher = errors.New("password: set has no preferred hasher")
