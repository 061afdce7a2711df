// Package safenext decides whether a post-login target ("next") is safe to
// redirect to: only same-origin relative paths pass (SECURITY.md C3).
package safenext

import (
	"net/url"
	"strings"
)

// MaxLength bounds a next value.
const MaxLength = 2048

// Clean returns next when it is a safe local path ("/dashboard/?tab=1"), and ""
// otherwise. It refuses absolute and scheme-relative URLs ("//evil.com",
// "https:evil.com"), backslashes ("/\evil.com", which browsers read as "//"),
// control and space characters raw or percent-encoded ("/%09/evil.com"),
// encoded slashes that decode to "//" ("%2F%2Fevil.com"), dot-segments and
// path parameters ("/..;/"), and anything longer than MaxLength.
func Clean(next string) string {
	if next == "" || len(next) > MaxLength || next[0] != '/' {
		return ""
	}
	if !safeChars(next) {
		return ""
	}
	decoded, err := url.PathUnescape(next)
	if err != nil || !safeDecoded(decoded) {
		return ""
	}
	for _, s := range []string{next, decoded} {
		if len(s) > 1 && (s[1] == '/' || s[1] == '\\') {
			return ""
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return ""
	}
	p := u.Path
	for _, seg := range strings.Split(p, "/") {
		if seg == ".." || seg == "." || strings.HasPrefix(seg, "..;") || strings.Contains(seg, ";") {
			return ""
		}
	}
	return next
}

// safeChars refuses backslashes, ASCII control characters, spaces and
// non-ASCII (which should arrive percent-encoded).
func safeChars(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c == '\\' || c >= 0x7f {
			return false
		}
	}
	return true
}

// safeDecoded is safeChars for the percent-decoded form, where UTF-8 (bytes
// of 0x80 and above) is legitimate.
func safeDecoded(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c == '\\' || c == 0x7f {
			return false
		}
	}
	return true
}
