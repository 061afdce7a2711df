package mail

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"maps"
	netmail "net/mail"
	"slices"
	"strings"
	"time"
)

// envelope is a validated message with its sender filled in and its
// generated fields (Message-ID, Date) fixed, ready for a backend to render.
type envelope struct {
	from      string
	to        []string
	subject   string
	text      string
	html      string
	messageID string // with angle brackets
	date      time.Time
	headers   []header // the extra fields, sorted by name, without Message-ID
}

// header is one extra header field.
type header struct{ name, value string }

// prepare validates m and completes it: From defaults to defaultFrom, then
// to [DefaultFrom]; the Message-ID is taken from m.Headers or generated.
func prepare(m *Message, defaultFrom string, now time.Time) (*envelope, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	e := &envelope{
		from:    m.From,
		to:      slices.Clone(m.To),
		subject: m.Subject,
		text:    m.Text,
		html:    m.HTML,
		date:    now,
	}
	if e.from == "" {
		e.from = defaultFrom
		if e.from == "" {
			e.from = DefaultFrom
		}
		if err := checkAddress(e.from); err != nil {
			return nil, fmt.Errorf("%w: configured sender: %v", ErrInvalidMessage, err)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(m.Headers)) {
		if strings.EqualFold(name, "Message-ID") {
			e.messageID = m.Headers[name]
			continue
		}
		e.headers = append(e.headers, header{name, m.Headers[name]})
	}
	if e.messageID == "" {
		e.messageID = newMessageID(e.from)
	}
	return e, nil
}

// newMessageID returns "<random@domain>" with the domain of the sender's
// address, which keeps the host name of the machine out of the message.
func newMessageID(from string) string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	domain := "localhost"
	if a, err := netmail.ParseAddress(from); err == nil {
		if d := a.Address[strings.LastIndexByte(a.Address, '@')+1:]; isDomain(d) {
			domain = strings.ToLower(d)
		}
	}
	return "<" + hex.EncodeToString(b[:]) + "@" + domain + ">"
}

// isDomain reports whether s is a plain dotted host name.
func isDomain(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}
