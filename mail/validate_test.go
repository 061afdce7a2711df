package mail_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse/mail"
)

// valid returns a message that passes validation.
func valid() *mail.Message {
	return &mail.Message{
		To:      []string{"ann@example.com", "Борис <boris@example.org>"},
		From:    "Gatehouse <noreply@example.com>",
		Subject: "Подтвердите адрес",
		Text:    "Привет!\n",
		HTML:    "<p>Привет!</p>",
		Headers: map[string]string{
			"X-Gatehouse-Kind": "verify",
			"Reply-To":         "Support <help@example.com>",
			"Message-ID":       "<abc.123@example.com>",
		},
	}
}

func TestValidateAccepts(t *testing.T) {
	for name, edit := range map[string]func(m *mail.Message){
		"full":             func(*mail.Message) {},
		"no from":          func(m *mail.Message) { m.From = "" },
		"text only":        func(m *mail.Message) { m.HTML = "" },
		"html only":        func(m *mail.Message) { m.Text = "" },
		"empty body":       func(m *mail.Message) { m.Text, m.HTML = "", "" },
		"no headers":       func(m *mail.Message) { m.Headers = nil },
		"tab in subject":   func(m *mail.Message) { m.Subject = "a\tb" },
		"max subject":      func(m *mail.Message) { m.Subject = strings.Repeat("я", mail.MaxSubjectBytes/2) },
		"max body":         func(m *mail.Message) { m.Text, m.HTML = strings.Repeat("x", mail.MaxBodyBytes-1), "y" },
		"max recipients":   func(m *mail.Message) { m.To = recipients(mail.MaxRecipients) },
		"CRLF in body":     func(m *mail.Message) { m.Text = "line 1\r\nline 2\r\n" },
		"reply-to list":    func(m *mail.Message) { m.Headers["Reply-To"] = "a@example.com, b@example.com" },
		"non-ASCII header": func(m *mail.Message) { m.Headers["X-Note"] = "заметка" },
	} {
		t.Run(name, func(t *testing.T) {
			m := valid()
			edit(m)
			if err := m.Validate(); err != nil {
				t.Fatalf("Validate() = %v", err)
			}
		})
	}
}

func TestValidateRefuses(t *testing.T) {
	for name, edit := range map[string]func(m *mail.Message){
		"no recipients":           func(m *mail.Message) { m.To = nil },
		"too many recipients":     func(m *mail.Message) { m.To = recipients(mail.MaxRecipients + 1) },
		"empty recipient":         func(m *mail.Message) { m.To = []string{""} },
		"bad recipient":           func(m *mail.Message) { m.To = []string{"not an address"} },
		"two in one recipient":    func(m *mail.Message) { m.To = []string{"a@example.com, b@example.com"} },
		"CRLF in recipient":       func(m *mail.Message) { m.To = []string{"a@example.com\r\nBcc: evil@example.com"} },
		"folded name":             func(m *mail.Message) { m.To = []string{"Ann\r\n <a@example.com>"} },
		"bad sender":              func(m *mail.Message) { m.From = "noreply" },
		"CRLF in sender":          func(m *mail.Message) { m.From = "a@example.com\nBcc: evil@example.com" },
		"CRLF in subject":         func(m *mail.Message) { m.Subject = "hi\r\nBcc: evil@example.com" },
		"LF in subject":           func(m *mail.Message) { m.Subject = "hi\nBcc: evil@example.com" },
		"CR in subject":           func(m *mail.Message) { m.Subject = "hi\rthere" },
		"NUL in subject":          func(m *mail.Message) { m.Subject = "hi\x00" },
		"NEL in subject":          func(m *mail.Message) { m.Subject = "hi\u0085there" },
		"bad UTF-8 subject":       func(m *mail.Message) { m.Subject = "\xff" },
		"long subject":            func(m *mail.Message) { m.Subject = strings.Repeat("x", mail.MaxSubjectBytes+1) },
		"long body":               func(m *mail.Message) { m.Text, m.HTML = strings.Repeat("x", mail.MaxBodyBytes), "y" },
		"NUL in text":             func(m *mail.Message) { m.Text = "a\x00b" },
		"bad UTF-8 HTML":          func(m *mail.Message) { m.HTML = "<p>\xc3</p>" },
		"CRLF in header value":    func(m *mail.Message) { m.Headers["X-Note"] = "a\r\nBcc: evil@example.com" },
		"LF in header value":      func(m *mail.Message) { m.Headers["X-Note"] = "a\nb" },
		"colon in header name":    func(m *mail.Message) { m.Headers["X-A:B"] = "v" },
		"space in header name":    func(m *mail.Message) { m.Headers["X A"] = "v" },
		"CRLF in header name":     func(m *mail.Message) { m.Headers["X-A\r\nBcc"] = "v" },
		"empty header name":       func(m *mail.Message) { m.Headers[""] = "v" },
		"non-ASCII header name":   func(m *mail.Message) { m.Headers["X-Тема"] = "v" },
		"Bcc header":              func(m *mail.Message) { m.Headers["Bcc"] = "evil@example.com" },
		"lower-case to header":    func(m *mail.Message) { m.Headers["to"] = "evil@example.com" },
		"content-type header":     func(m *mail.Message) { m.Headers["Content-Type"] = "text/plain" },
		"subject header":          func(m *mail.Message) { m.Headers["SUBJECT"] = "x" },
		"bad Message-ID":          func(m *mail.Message) { m.Headers["Message-ID"] = "no-brackets@example.com" },
		"Message-ID without host": func(m *mail.Message) { m.Headers["Message-ID"] = "<abc>" },
		"bad Reply-To":            func(m *mail.Message) { m.Headers["Reply-To"] = "nobody" },
		"header twice":            func(m *mail.Message) { m.Headers["x-gatehouse-kind"] = "reset" },
		"long header value":       func(m *mail.Message) { m.Headers["X-Note"] = strings.Repeat("x", mail.MaxHeaderBytes+1) },
		"too many headers": func(m *mail.Message) {
			for i := range mail.MaxHeaders + 1 {
				m.Headers[fmt.Sprintf("X-H%d", i)] = "v"
			}
		},
	} {
		t.Run(name, func(t *testing.T) {
			m := valid()
			edit(m)
			err := m.Validate()
			if !errors.Is(err, mail.ErrInvalidMessage) {
				t.Fatalf("Validate() = %v, want an error wrapping ErrInvalidMessage", err)
			}
			if strings.ContainsAny(err.Error(), "\r\n") {
				t.Errorf("error %q holds a line break", err)
			}
		})
	}
	var m *mail.Message
	if err := m.Validate(); !errors.Is(err, mail.ErrInvalidMessage) {
		t.Errorf("nil.Validate() = %v", err)
	}
}

// recipients returns n distinct addresses.
func recipients(n int) []string {
	to := make([]string, n)
	for i := range to {
		to[i] = fmt.Sprintf("user%d@example.com", i)
	}
	return to
}
