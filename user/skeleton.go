package user

import "strings"

// Skeleton maps a username to its confusable skeleton in the spirit of Unicode
// TS #39: the canonical form with letters that look like Latin ones (Cyrillic
// "а", Greek "ο", …) replaced by those Latin letters. Two usernames with the same
// skeleton look alike to a person, so signup refuses a username whose skeleton
// is taken by another account (SECURITY.md D3).
//
// The table covers the Cyrillic, Greek and Armenian letters that render
// identically to Latin ones in common fonts; NFKC (inside CanonicalUsername)
// already folds fullwidth, mathematical and ligature forms.
func Skeleton(username string) string {
	return confusables.Replace(CanonicalUsername(username))
}

var confusables = strings.NewReplacer(
	// Cyrillic (lowercase, after case folding)
	"а", "a", "в", "b", "е", "e", "ё", "e", "г", "r", "һ", "h", "і", "i", "ї", "i",
	"ј", "j", "к", "k", "м", "m", "н", "h", "о", "o", "р", "p", "с", "c", "ѕ", "s",
	"т", "t", "у", "y", "х", "x", "ԁ", "d", "ԛ", "q", "ԝ", "w", "ү", "y", "ӏ", "l",
	"ь", "b", "п", "n", "и", "u", "з", "3", "ч", "4",
	// Greek
	"α", "a", "β", "b", "γ", "y", "ε", "e", "η", "n", "ι", "i", "κ", "k", "ν", "v",
	"ο", "o", "ρ", "p", "τ", "t", "υ", "u", "χ", "x", "ω", "w", "ϲ", "c", "ϳ", "j",
	// Armenian
	"օ", "o", "ս", "u", "ց", "g", "հ", "h", "ո", "n",
	// Latin look-alikes
	"ı", "i", "ȷ", "j", "ɑ", "a", "ɡ", "g", "ɩ", "i", "ʀ", "r",
	// Digits and letters people swap in handles
	"0", "o", "1", "l", "|", "l",
)
