package password

import (
	"fmt"
	"strings"
	"unicode"
)

// DefaultMaxSimilarity is UserAttributeSimilarity's default threshold.
const DefaultMaxSimilarity = 0.7

// defaultAttributes are the UserAttrs fields compared by default, with the
// verbose names Django's User model gives them.
var defaultAttributes = []string{"username", "first_name", "last_name", "email"}

var verboseNames = map[string]string{
	"username":   "username",
	"first_name": "first name",
	"last_name":  "last name",
	"email":      "email address",
}

// UserAttributeSimilarity refuses passwords too similar to an attribute of
// the account ("password_too_similar", params "verbose_name" and
// "attribute"), with Django's algorithm: the lowercased password is compared
// with each lowercased attribute and with each of its parts split on runs of
// non-word characters (Python's re.split(r"\W+")), and refused when
// difflib's SequenceMatcher.quick_ratio() is at least MaxSimilarity. Parts
// so short that the ratio cannot reach the threshold are skipped, as in
// Django 3.2.25+/4.x. For the email, its local part (before the last "@") is
// compared too.
//
// Attributes lists the fields compared ("username", "first_name",
// "last_name", "email"); nil means all four. A zero MaxSimilarity means 0.7;
// a value below 0.1 (which Django refuses to configure) is raised to 0.1.
type UserAttributeSimilarity struct {
	Attributes    []string
	MaxSimilarity float64
}

// Validate implements Validator.
func (v UserAttributeSimilarity) Validate(pw string, u UserAttrs) *Problem {
	maxSim := v.MaxSimilarity
	switch {
	case maxSim == 0:
		maxSim = DefaultMaxSimilarity
	case maxSim < 0.1:
		maxSim = 0.1
	}
	attrs := v.Attributes
	if attrs == nil {
		attrs = defaultAttributes
	}
	pwl := []rune(strings.ToLower(pw))
	for _, attr := range attrs {
		value := u.attr(attr)
		if value == "" {
			continue
		}
		lower := strings.ToLower(value)
		parts := append(splitNonWord(lower), lower)
		if attr == "email" {
			if at := strings.LastIndex(lower, "@"); at > 0 {
				parts = append(parts, lower[:at])
			}
		}
		for _, part := range parts {
			pr := []rune(part)
			if exceedsMaximumLengthRatio(len(pwl), maxSim, len(pr)) {
				continue
			}
			if quickRatio(pwl, pr) >= maxSim {
				name := verboseNames[attr]
				return &Problem{
					Code:    "password_too_similar",
					Params:  map[string]any{"verbose_name": name, "attribute": attr},
					Message: fmt.Sprintf("The password is too similar to the %s.", name),
				}
			}
		}
	}
	return nil
}

func (u UserAttrs) attr(name string) string {
	switch name {
	case "username":
		return u.Username
	case "email":
		return u.Email
	case "first_name":
		return u.FirstName
	case "last_name":
		return u.LastName
	}
	return ""
}

// exceedsMaximumLengthRatio is Django's exceeds_maximum_length_ratio: a
// value at most a tenth as long as the password, and shorter than
// maxSim/2 of it, cannot reach the threshold (quick_ratio ≤ 2·len(value) /
// (len(pw)+len(value))), so the comparison is skipped.
func exceedsMaximumLengthRatio(pwLen int, maxSim float64, valueLen int) bool {
	return pwLen >= 10*valueLen && float64(valueLen) < maxSim/2*float64(pwLen)
}

// splitNonWord splits s like Python's re.split(r"\W+", s): on maximal runs
// of characters that are not letters, digits or "_", keeping the empty
// strings before a leading and after a trailing run.
func splitNonWord(s string) []string {
	isWord := func(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r) }
	var parts []string
	start := 0
	inSep := false
	for i, r := range s {
		switch {
		case !isWord(r) && !inSep:
			parts = append(parts, s[start:i])
			inSep = true
		case isWord(r) && inSep:
			start = i
			inSep = false
		}
	}
	if inSep {
		return append(parts, "")
	}
	return append(parts, s[start:])
}
