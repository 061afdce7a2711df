package mail

import (
	"errors"
	"strings"
	"testing"
)

func TestParseSMTPURL(t *testing.T) {
	for _, tc := range []struct {
		raw  string
		want smtpConfig // compared when ok
		str  string     // the redacted String()
	}{
		{"smtp://mail.example.com", smtpConfig{scheme: "smtp", host: "mail.example.com", port: 587, tls: tlsOpportunistic},
			"smtp://mail.example.com:587"},
		{" smtp://Mail.Example.COM:25/\n", smtpConfig{scheme: "smtp", host: "mail.example.com", port: 25, tls: tlsOpportunistic},
			"smtp://mail.example.com:25"},
		{"SMTP://user:pa%40ss@mail.example.com:2525", smtpConfig{scheme: "smtp", host: "mail.example.com", port: 2525,
			tls: tlsOpportunistic, auth: true, username: "user", password: "pa@ss"},
			"smtp://user:xxxxx@mail.example.com:2525"},
		{"smtp://user@example.com:1025/?tls=starttls", smtpConfig{scheme: "smtp", host: "example.com", port: 1025,
			tls: tlsStartTLS, auth: true, username: "user"},
			"smtp://user@example.com:1025?tls=starttls"},
		{"smtp://127.0.0.1:1025?tls=none", smtpConfig{scheme: "smtp", host: "127.0.0.1", port: 1025, tls: tlsNone},
			"smtp://127.0.0.1:1025?tls=none"},
		{"smtp://h?tls=OPPORTUNISTIC", smtpConfig{scheme: "smtp", host: "h", port: 587, tls: tlsOpportunistic},
			"smtp://h:587"},
		{"smtps://apikey:s3cr3t/with?odd#chars@smtp.sendgrid.net", smtpConfig{scheme: "smtps", host: "smtp.sendgrid.net",
			port: 465, tls: tlsImplicit, auth: true, username: "apikey", password: "s3cr3t/with?odd#chars"},
			"smtps://apikey:xxxxx@smtp.sendgrid.net:465"},
		{"smtps://u%3Aser:p:w@h:4650?tls=implicit", smtpConfig{scheme: "smtps", host: "h", port: 4650, tls: tlsImplicit,
			auth: true, username: "u:ser", password: "p:w"},
			"smtps://u%3Aser:xxxxx@h:4650"},
		{"smtp+insecure://127.0.0.1:1025", smtpConfig{scheme: "smtp+insecure", host: "127.0.0.1", port: 1025, tls: tlsNone},
			"smtp+insecure://127.0.0.1:1025"},
		{"smtp+insecure://a:b@localhost?tls=none", smtpConfig{scheme: "smtp+insecure", host: "localhost", port: 587,
			tls: tlsNone, auth: true, username: "a", password: "b"},
			"smtp+insecure://a:xxxxx@localhost:587"},
		{"smtp://[::1]:25", smtpConfig{scheme: "smtp", host: "::1", port: 25, tls: tlsOpportunistic},
			"smtp://[::1]:25"},
		{"smtp://u:p@[2001:DB8::1]", smtpConfig{scheme: "smtp", host: "2001:db8::1", port: 587, tls: tlsOpportunistic,
			auth: true, username: "u", password: "p"},
			"smtp://u:xxxxx@[2001:db8::1]:587"},
		{"smtp://a@b@host", smtpConfig{scheme: "smtp", host: "host", port: 587, tls: tlsOpportunistic,
			auth: true, username: "a@b"},
			"smtp://a%40b@host:587"},
	} {
		got, err := parseSMTPURL(tc.raw)
		if err != nil {
			t.Errorf("parseSMTPURL(%q): %v", tc.raw, err)
			continue
		}
		if got != tc.want {
			t.Errorf("parseSMTPURL(%q) = %+v, want %+v", tc.raw, got, tc.want)
		}
		if s := got.String(); s != tc.str {
			t.Errorf("parseSMTPURL(%q).String() = %q, want %q", tc.raw, s, tc.str)
		}
	}
}

func TestParseSMTPURLErrors(t *testing.T) {
	const secret = "Hunter2Secret"
	for _, raw := range []string{
		"",
		"   ",
		"mail.example.com:587",
		"http://mail.example.com",
		"smtpx://mail.example.com",
		"smtp://",
		"smtp://:587",
		"smtp://user:" + secret + "@",
		"smtp://user:" + secret,              // no @: all of it is the host
		"smtp://user:" + secret + "%zz@host", // bad escape
		"smtp://:" + secret + "@host",        // password without user
		"smtp://user:" + secret + "@host:0",
		"smtp://user:" + secret + "@host:65536",
		"smtp://user:" + secret + "@host:+25",
		"smtp://user:" + secret + "@host:-1",
		"smtp://user:" + secret + "@host:",
		"smtp://user:" + secret + "@host:25x",
		"smtp://user:" + secret + "@ho st",
		"smtp://user:" + secret + "@host\n:25",
		"smtp://user:" + secret + "@h%6Fst",
		"smtp://user:" + secret + "@host/path",
		"smtp://user:" + secret + "@host#frag",
		"smtp://user:" + secret + "@host?tls=maybe",
		"smtp://user:" + secret + "@host?tls=implicit",
		"smtp://user:" + secret + "@host?tsl=none",
		"smtp://user:" + secret + "@host?tls=none&tls=none",
		"smtp://user:" + secret + "@host?tls=%zz",
		"smtps://user:" + secret + "@host?tls=starttls",
		"smtps://user:" + secret + "@host?tls=none",
		"smtp+insecure://user:" + secret + "@host?tls=starttls",
		"smtp://user:" + secret + "@::1",
		"smtp://user:" + secret + "@[::1",
		"smtp://user:" + secret + "@[::1]x",
		"smtp://user:" + secret + "@[127.0.0.1]",
		"smtp://user:" + secret + "@[fe80::1%25eth0]",
		"smtp://user:" + secret + "@" + strings.Repeat("a", 254),
	} {
		_, err := parseSMTPURL(raw)
		if !errors.Is(err, errURL) {
			t.Errorf("parseSMTPURL(%q) = %v, want an error wrapping errURL", raw, err)
			continue
		}
		if strings.Contains(err.Error(), secret) || strings.ContainsAny(err.Error(), "\r\n") {
			t.Errorf("parseSMTPURL(%q) error %q leaks the password or breaks lines", raw, err)
		}
	}
}

// FuzzParseSMTPURL checks that parsing never panics, that an accepted URL
// survives a round trip through its String form, and that a password never
// shows in an error or a String.
func FuzzParseSMTPURL(f *testing.F) {
	for _, s := range []struct{ raw, secret string }{
		{"smtp://mail.example.com", "password"},
		{"smtps://u:p@[::1]:465", "s3cr3t/with?odd#chars"},
		{"smtp+insecure://127.0.0.1:1025?tls=none", "p%40ss"},
		{"smtp://user@example.com:1025/?tls=starttls", "hunter2hunter2"},
		{"smtp://a@b@host", "x:y@z"},
		{"smtp://[2001:db8::1]:25", "%zz"},
		{"smtp://host:99999", "abc"},
	} {
		f.Add(s.raw, s.secret)
	}
	f.Fuzz(func(t *testing.T, raw, secret string) {
		c, err := parseSMTPURL(raw)
		if err != nil {
			if !errors.Is(err, errURL) {
				t.Fatalf("error %v does not wrap errURL", err)
			}
		} else {
			if c.host == "" || c.port < 1 || c.port > 65535 {
				t.Fatalf("parseSMTPURL(%q) = %+v", raw, c)
			}
			back, err := parseSMTPURL(c.String())
			if err != nil {
				t.Fatalf("parseSMTPURL(%q) failed on its String() %q: %v", raw, c.String(), err)
			}
			if want := withPassword(c, redactedPassword); c.password == "" && back != c ||
				c.password != "" && back != want {
				t.Fatalf("round trip of %q via %q: %+v, want %+v", raw, c.String(), back, c)
			}
		}

		// The same URL with a password in front: no part of the password
		// may show, in an error or in String. The markers around it would
		// show with any part of it.
		const open, close = "ZQ9", "9QZ"
		if strings.Contains(raw, open) || strings.Contains(raw, close) {
			return
		}
		withCreds := "smtp://user:" + open + secret + close + "@" + strings.TrimPrefix(raw, "smtp://")
		c, err = parseSMTPURL(withCreds)
		shown := ""
		if err != nil {
			shown = err.Error()
		} else {
			shown = c.String()
		}
		if strings.Contains(shown, open) || strings.Contains(shown, close) {
			t.Fatalf("parseSMTPURL(%q) shows the password: %q", withCreds, shown)
		}
	})
}

// withPassword returns c with its password replaced.
func withPassword(c smtpConfig, p string) smtpConfig {
	c.password = p
	return c
}
