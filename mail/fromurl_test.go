package mail_test

import (
	"os"
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse/mail"
)

func TestFromURL(t *testing.T) {
	const secret = "Hunter2Secret"
	dir := t.TempDir()
	for _, tc := range []struct {
		backend, dir, url, from string
		check                   func(mail.Mailer) bool // nil: an error is wanted
	}{
		{"", "", "", "", func(m mail.Mailer) bool {
			c, ok := m.(*mail.Console)
			return ok && c.W == nil && c.From == ""
		}},
		{"console", "", "", "Gatehouse <noreply@example.com>", func(m mail.Mailer) bool {
			c, ok := m.(*mail.Console)
			return ok && c.From == "Gatehouse <noreply@example.com>"
		}},
		{" Console ", dir, "smtp://ignored", "", func(m mail.Mailer) bool {
			_, ok := m.(*mail.Console)
			return ok
		}},
		{"file", dir, "", "noreply@example.com", func(m mail.Mailer) bool {
			f, ok := m.(*mail.File)
			return ok && f.Dir == dir && f.From == "noreply@example.com"
		}},
		{"FILE", dir, "", "", func(m mail.Mailer) bool {
			_, ok := m.(*mail.File)
			return ok
		}},
		{"smtp", "", "smtps://user:" + secret + "@smtp.example.com", "noreply@example.com", func(m mail.Mailer) bool {
			s, ok := m.(*mail.SMTP)
			return ok && s.String() == "smtps://user:xxxxx@smtp.example.com:465"
		}},
		{"smtp", "", "smtp+insecure://127.0.0.1:1025", "", func(m mail.Mailer) bool {
			_, ok := m.(*mail.SMTP)
			return ok
		}},
		{"file", "", "", "", nil},
		{"file", "  ", "", "", nil},
		{"smtp", "", "", "", nil},
		{"smtp", "", "smtp://user:" + secret + "@host:0", "", nil},
		{"smtp", "", "https://user:" + secret + "@host", "", nil},
		{"smtp", "", "smtp://host", "not an address", nil},
		{"console", "", "", "a@example.com\r\nBcc: evil@example.com", nil},
		{"sendgrid", "", "", "", nil},
		{"smtps", "", "smtps://host", "", nil},
		{"memory", "", "", "", nil},
	} {
		m, err := mail.FromURL(tc.backend, tc.dir, tc.url, tc.from)
		name := strings.Join([]string{tc.backend, tc.dir, tc.url, tc.from}, "|")
		switch {
		case tc.check == nil && err == nil:
			t.Errorf("FromURL(%q) = %T, want an error", name, m)
		case tc.check == nil:
			if strings.Contains(err.Error(), secret) {
				t.Errorf("FromURL(%q) error %q shows the password", name, err)
			}
		case err != nil:
			t.Errorf("FromURL(%q): %v", name, err)
		case !tc.check(m):
			t.Errorf("FromURL(%q) = %#v", name, m)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("FromURL wrote into the directory: %v", entries)
	}
}
