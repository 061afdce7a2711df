package password

import "golang.org/x/text/unicode/norm"

// MaxLength is the longest password, in bytes, that a Set hashes or
// verifies: longer ones get ErrTooLong before any hashing, so a 1 MiB
// password costs nothing (ASVS 2.4.1, long-password DoS). It is well above
// the 64 characters a user must be allowed.
const MaxLength = 1024

// Normalize returns the Unicode NFKC form of pw. A Set hashes Normalize(pw),
// so that a password typed as precomposed "é" (U+00E9) and as "e" + U+0301,
// or with full-width letters, is the same password (NIST SP 800-63B
// §3.1.1.2). It does nothing else: no trimming, no case folding, no
// truncation.
//
// Hashes imported from Django were made without normalization, so
// Set.Verify first tries the password exactly as typed and only then, if that
// fails and the normalized form differs, Normalize(pw); see Set.Verify.
func Normalize(pw string) string {
	return norm.NFKC.String(pw)
}
