package password

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"io"
	"slices"
	"strings"
	"sync"
)

// commonPasswordsGz is the merged, lowercased, deduplicated list described
// in COMMON_PASSWORDS.md, one password a line.
//
//go:embed common-passwords.txt.gz
var commonPasswordsGz []byte

var (
	commonOnce sync.Once
	commonList []string
)

// commonPasswords decompresses the embedded list once, at first use, into
// one string, and returns its lines in byte order for binary search: 1.3 MB
// of live heap for 56,110 passwords, about a third of what a map of them
// would hold, and the list stays in memory for the life of the server.
func commonPasswords() []string {
	commonOnce.Do(func() {
		zr, err := gzip.NewReader(bytes.NewReader(commonPasswordsGz))
		if err != nil {
			panic("password: embedded common-passwords.txt.gz: " + err.Error())
		}
		text, err := io.ReadAll(zr)
		if err != nil {
			panic("password: embedded common-passwords.txt.gz: " + err.Error())
		}
		list := make([]string, 0, 60000)
		for w := range strings.Lines(string(text)) { // one copy, of exactly the text
			if w = strings.TrimSpace(w); w != "" {
				list = append(list, w)
			}
		}
		if !slices.IsSorted(list) {
			slices.Sort(list)
		}
		commonList = slices.Compact(list)
	})
	return commonList
}

// isCommonPassword reports whether w, already lowercased and trimmed, is in
// the list.
func isCommonPassword(w string) bool {
	_, found := slices.BinarySearch(commonPasswords(), w)
	return found
}

// CommonPassword refuses passwords found, lowercased and trimmed of
// surrounding whitespace as Django does, in the embedded list of 56,110
// common passwords: Django's list (Pwned Passwords, 19,727 entries) merged
// with zxcvbn's (Xato 10M corpus, 49,233 entries); see COMMON_PASSWORDS.md
// ("password_too_common").
type CommonPassword struct{}

// Validate implements Validator.
func (CommonPassword) Validate(pw string, _ UserAttrs) *Problem {
	if !isCommonPassword(strings.TrimSpace(strings.ToLower(pw))) {
		return nil
	}
	return &Problem{
		Code:    "password_too_common",
		Params:  map[string]any{},
		Message: "This password is too common.",
	}
}
