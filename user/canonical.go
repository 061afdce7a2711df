package user

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// MaxUsernameLength is Django's limit on AbstractUser.username.
const MaxUsernameLength = 150

// MaxEmailLength is allauth's EMAIL_MAX_LENGTH (RFC 5321's path limit).
const MaxEmailLength = 254

var folder = cases.Fold()

// CanonicalUsername is the key usernames are unique under: NFKC, then Unicode
// case folding, then NFKC again (folding can denormalise). "Bob", "BOB" and
// "ｂｏｂ" (fullwidth) share one key.
func CanonicalUsername(s string) string {
	return norm.NFKC.String(folder.String(norm.NFKC.String(s)))
}

// CanonicalEmail is the key email addresses are unique and looked up under: the
// whole address NFKC-normalised and case-folded, as allauth lowercases it.
func CanonicalEmail(s string) string {
	return CanonicalUsername(strings.TrimSpace(s))
}

// ValidateUsername applies Django's rules: 1–150 characters of letters, digits
// and @ . + - _ (Unicode letters and digits allowed).
func ValidateUsername(s string) error {
	n := utf8.RuneCountInString(s)
	if n == 0 {
		return fmt.Errorf("%w: username is empty", ErrInvalid)
	}
	if n > MaxUsernameLength {
		return fmt.Errorf("%w: username is longer than %d characters", ErrInvalid, MaxUsernameLength)
	}
	for _, r := range s {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || strings.ContainsRune("@.+-_", r)) {
			return fmt.Errorf("%w: username may contain only letters, digits and @/./+/-/_", ErrInvalid)
		}
	}
	return nil
}

// ValidateEmail checks the shape of an address: one "@", a non-empty local part,
// a domain with a dot and no spaces, at most MaxEmailLength bytes. It does not
// try to be RFC 5322 complete: the verification mail is the real test.
func ValidateEmail(s string) error {
	if len(s) > MaxEmailLength {
		return fmt.Errorf("%w: email is too long", ErrInvalid)
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 || strings.Count(s, "@") != 1 {
		return fmt.Errorf("%w: email must look like name@example.com", ErrInvalid)
	}
	local, domain := s[:at], s[at+1:]
	if strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) ||
		!strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") ||
		strings.Contains(domain, "..") || strings.ContainsAny(local, "<>()[]\\,;:\"") {
		return fmt.Errorf("%w: email must look like name@example.com", ErrInvalid)
	}
	return nil
}
