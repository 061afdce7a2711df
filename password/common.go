package password

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
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
	commonSet  map[string]struct{}
)

// commonPasswords decompresses the embedded list once, at first use.
func commonPasswords() map[string]struct{} {
	commonOnce.Do(func() {
		commonSet = make(map[string]struct{}, 60000)
		zr, err := gzip.NewReader(bytes.NewReader(commonPasswordsGz))
		if err != nil {
			panic("password: embedded common-passwords.txt.gz: " + err.Error())
		}
		sc := bufio.NewScanner(zr)
		for sc.Scan() {
			if w := strings.TrimSpace(sc.Text()); w != "" {
				commonSet[w] = struct{}{}
			}
		}
		if err := sc.Err(); err != nil {
			panic("password: embedded common-passwords.txt.gz: " + err.Error())
		}
	})
	return commonSet
}

// CommonPassword refuses passwords found, lowercased and trimmed of
// surrounding whitespace as Django does, in the embedded list of 56,110
// common passwords: Django's list (Pwned Passwords, 19,727 entries) merged
// with zxcvbn's (Xato 10M corpus, 49,233 entries); see COMMON_PASSWORDS.md
// ("password_too_common").
type CommonPassword struct{}

// Validate implements Validator.
func (CommonPassword) Validate(pw string, _ UserAttrs) *Problem {
	if _, ok := commonPasswords()[strings.TrimSpace(strings.ToLower(pw))]; !ok {
		return nil
	}
	return &Problem{
		Code:    "password_too_common",
		Params:  map[string]any{},
		Message: "This password is too common.",
	}
}
