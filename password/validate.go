package password

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// Problem is one reason a password is refused, like a Django ValidationError:
// a stable snake_case Code for programs and translations, the Params the
// message needs, and a default English Message.
type Problem struct {
	Code    string
	Params  map[string]any
	Message string
}

// Error returns the English message, so a Problem can be used as an error.
func (p Problem) Error() string { return p.Message }

// UserAttrs are the account attributes a password must not resemble.
type UserAttrs struct {
	Username, Email, FirstName, LastName string
}

// Validator checks a new password (already normalized by Validate) for the
// account described by u, returning nil when it is acceptable.
type Validator interface {
	Validate(pw string, u UserAttrs) *Problem
}

// DefaultValidators returns Django's four default validators plus
// MaximumLength, each with its default settings: UserAttributeSimilarity
// (0.7), MinimumLength (8 code points), MaximumLength (1024 bytes),
// CommonPassword and Numeric.
func DefaultValidators() []Validator {
	return []Validator{
		UserAttributeSimilarity{},
		MinimumLength{},
		MaximumLength{},
		CommonPassword{},
		Numeric{},
	}
}

// Validate runs validators (DefaultValidators() when none are given) on
// Normalize(pw), the form that Set.Hash stores, and returns every problem
// found, in validator order; nil means the password is acceptable.
func Validate(pw string, u UserAttrs, validators ...Validator) []Problem {
	if len(validators) == 0 {
		validators = DefaultValidators()
	}
	pw = Normalize(pw)
	var out []Problem
	for _, v := range validators {
		if p := v.Validate(pw, u); p != nil {
			out = append(out, *p)
		}
	}
	return out
}

// DefaultMinLength is MinimumLength's default, in code points.
const DefaultMinLength = 8

// MinimumLength refuses passwords of fewer than Min code points (Unicode
// characters, not bytes: "password_too_short", params "min_length"). A zero
// Min means 8.
type MinimumLength struct {
	Min int
}

// Validate implements Validator.
func (v MinimumLength) Validate(pw string, _ UserAttrs) *Problem {
	n := v.Min
	if n <= 0 {
		n = DefaultMinLength
	}
	if utf8.RuneCountInString(pw) >= n {
		return nil
	}
	return &Problem{
		Code:    "password_too_short",
		Params:  map[string]any{"min_length": n},
		Message: fmt.Sprintf("This password is too short. It must contain at least %d %s.", n, plural(n, "character", "characters")),
	}
}

// MaximumLength refuses passwords longer than Max bytes
// ("password_too_long", params "max_length"). A zero Max means MaxLength
// (1024), the most a Set will hash.
type MaximumLength struct {
	Max int
}

// Validate implements Validator.
func (v MaximumLength) Validate(pw string, _ UserAttrs) *Problem {
	n := v.Max
	if n <= 0 {
		n = MaxLength
	}
	if len(pw) <= n {
		return nil
	}
	return &Problem{
		Code:    "password_too_long",
		Params:  map[string]any{"max_length": n},
		Message: fmt.Sprintf("This password is too long. It must contain at most %d %s.", n, plural(n, "byte", "bytes")),
	}
}

// Numeric refuses passwords made only of decimal digits
// ("password_entirely_numeric"). Digits are Unicode category Nd, a close
// match of Python's str.isdigit (which also counts a few superscripts).
type Numeric struct{}

// Validate implements Validator.
func (Numeric) Validate(pw string, _ UserAttrs) *Problem {
	if pw == "" {
		return nil
	}
	for _, r := range pw {
		if !unicode.IsDigit(r) {
			return nil
		}
	}
	return &Problem{
		Code:    "password_entirely_numeric",
		Params:  map[string]any{},
		Message: "This password is entirely numeric.",
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
