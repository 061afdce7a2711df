package safenext

import (
	"net/url"
	"strings"
	"testing"
)

func TestClean(t *testing.T) {
	ok := []string{"/", "/dashboard/", "/secret/?a=1&b=2", "/a/b#frag", "/caf%C3%A9/", "/search?q=%2F%2Fnot-a-host"}
	for _, n := range ok {
		if got := Clean(n); got != n {
			t.Errorf("Clean(%q) = %q, want it kept", n, got)
		}
	}
	bad := []string{
		"", "//evil.com", "/\\evil.com", "\\\\evil.com", "https:evil.com", "https://app@evil.com",
		"https://app.com.evil.com", "http://evil.com", "%2F%2Fevil.com", "/%2F/evil.com", "/%2f%2fevil.com",
		"/%5Cevil.com", "/%09/evil.com", "/\t/evil.com", "java%09script:alert(1)", "javascript:alert(1)",
		"/..;/admin", "/a/../b", "/a/%2e%2e/b", "/;jsessionid=1", "evil.com", " /x", "/x y", "/\x00",
		"/" + strings.Repeat("a", MaxLength), "/é",
	}
	for _, n := range bad {
		if got := Clean(n); got != "" {
			t.Errorf("Clean(%q) = %q, want refused", n, got)
		}
	}
}

// FuzzClean checks that whatever passes is a path on our own origin: resolved
// against our URL, it keeps our scheme and host.
func FuzzClean(f *testing.F) {
	for _, s := range []string{"/", "//evil.com", "/\\evil.com", "/%09/x", "/a?b=c", "https:x", "/%2F%2F"} {
		f.Add(s)
	}
	base, _ := url.Parse("https://app.example/")
	f.Fuzz(func(t *testing.T, s string) {
		got := Clean(s)
		if got == "" {
			return
		}
		if got != s {
			t.Fatalf("Clean changed %q to %q", s, got)
		}
		ref, err := url.Parse(got)
		if err != nil {
			t.Fatalf("accepted unparsable %q", got)
		}
		u := base.ResolveReference(ref)
		if u.Scheme != "https" || u.Host != "app.example" {
			t.Fatalf("accepted %q which leaves the origin: %s", got, u)
		}
		dec, _ := url.PathUnescape(got)
		if strings.HasPrefix(dec, "//") || strings.ContainsAny(dec, "\\\t\r\n") {
			t.Fatalf("accepted %q which decodes to %q", got, dec)
		}
	})
}
