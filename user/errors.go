package user

import "errors"

// Errors a Store returns, wrapped with %w so callers can test them with errors.Is.
var (
	// ErrNotFound means the user, group or permission asked for does not exist.
	ErrNotFound = errors.New("user: not found")
	// ErrDuplicate means a unique key (username, email, group name, permission)
	// is already taken. DuplicateError says which.
	ErrDuplicate = errors.New("user: duplicate")
	// ErrInvalid means a value failed validation before reaching the store.
	ErrInvalid = errors.New("user: invalid")
)

// DuplicateError names the field whose unique key is already taken.
type DuplicateError struct {
	Field string // "username", "email", "name", "permission"
}

func (e *DuplicateError) Error() string { return "user: duplicate " + e.Field }

// Unwrap makes errors.Is(err, ErrDuplicate) true.
func (e *DuplicateError) Unwrap() error { return ErrDuplicate }
