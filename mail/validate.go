package mail

import (
	"fmt"
	"maps"
	netmail "net/mail"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// reservedHeaders are the fields the mailer writes itself; Message.Headers
// must not carry them. Keys are lower case.
var reservedHeaders = map[string]bool{
	"from":                      true,
	"to":                        true,
	"cc":                        true,
	"bcc":                       true,
	"subject":                   true,
	"date":                      true,
	"sender":                    true,
	"return-path":               true,
	"mime-version":              true,
	"content-type":              true,
	"content-transfer-encoding": true,
	"content-disposition":       true,
}

// messageIDPattern is a conservative form of RFC 5322's msg-id.
var messageIDPattern = regexp.MustCompile(`^<[A-Za-z0-9!#$%&'*+/=?^_{|}~.\-]+@[A-Za-z0-9!#$%&'*+/=?^_{|}~.\-\[\]:]+>$`)

// Validate reports whether m may be sent: at least one and at most
// [MaxRecipients] recipients, every address parseable by net/mail, no line
// breaks or other control characters in the subject, addresses or header
// fields (which would allow header injection), valid UTF-8 everywhere, and
// sizes within [MaxSubjectBytes], [MaxBodyBytes], [MaxHeaders] and
// [MaxHeaderBytes]. Header names are printable US-ASCII, unique without
// regard to case, and not among those the mailer writes itself. An empty From is allowed: the backend fills it in.
//
// The error, if any, wraps [ErrInvalidMessage].
func (m *Message) Validate() error {
	if m == nil {
		return fmt.Errorf("%w: nil message", ErrInvalidMessage)
	}
	if len(m.To) == 0 {
		return fmt.Errorf("%w: no recipients", ErrInvalidMessage)
	}
	if len(m.To) > MaxRecipients {
		return fmt.Errorf("%w: %d recipients, at most %d allowed", ErrInvalidMessage, len(m.To), MaxRecipients)
	}
	for i, to := range m.To {
		if err := checkAddress(to); err != nil {
			return fmt.Errorf("%w: recipient %d: %v", ErrInvalidMessage, i+1, err)
		}
	}
	if m.From != "" {
		if err := checkAddress(m.From); err != nil {
			return fmt.Errorf("%w: sender: %v", ErrInvalidMessage, err)
		}
	}
	if err := checkLine(m.Subject, MaxSubjectBytes); err != nil {
		return fmt.Errorf("%w: subject: %v", ErrInvalidMessage, err)
	}
	if n := len(m.Text) + len(m.HTML); n > MaxBodyBytes {
		return fmt.Errorf("%w: body is %d bytes, at most %d allowed", ErrInvalidMessage, n, MaxBodyBytes)
	}
	if err := checkBody(m.Text); err != nil {
		return fmt.Errorf("%w: text body: %v", ErrInvalidMessage, err)
	}
	if err := checkBody(m.HTML); err != nil {
		return fmt.Errorf("%w: HTML body: %v", ErrInvalidMessage, err)
	}
	if len(m.Headers) > MaxHeaders {
		return fmt.Errorf("%w: %d headers, at most %d allowed", ErrInvalidMessage, len(m.Headers), MaxHeaders)
	}
	seen := make(map[string]bool, len(m.Headers))
	for _, name := range slices.Sorted(maps.Keys(m.Headers)) {
		if err := checkHeader(name, m.Headers[name]); err != nil {
			return fmt.Errorf("%w: header %q: %v", ErrInvalidMessage, name, err)
		}
		key := strings.ToLower(name)
		if seen[key] {
			return fmt.Errorf("%w: header %q given twice (names ignore case)", ErrInvalidMessage, name)
		}
		seen[key] = true
	}
	return nil
}

// checkAddress accepts one RFC 5322 address, with or without a display name.
func checkAddress(s string) error {
	if s == "" {
		return fmt.Errorf("empty address")
	}
	if err := checkLine(s, MaxHeaderBytes); err != nil {
		return err
	}
	if _, err := netmail.ParseAddress(s); err != nil {
		return fmt.Errorf("%q is not an address: %v", s, err)
	}
	return nil
}

// checkLine accepts valid UTF-8 of at most limit bytes without control
// characters other than horizontal tab; CR and LF in particular are refused.
func checkLine(s string, limit int) error {
	if len(s) > limit {
		return fmt.Errorf("%d bytes, at most %d allowed", len(s), limit)
	}
	if !utf8.ValidString(s) {
		return fmt.Errorf("not valid UTF-8")
	}
	for _, r := range s {
		switch {
		case r == '\r' || r == '\n':
			return fmt.Errorf("contains a line break (CR or LF)")
		case r == '\t':
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029':
			return fmt.Errorf("contains control character %U", r)
		}
	}
	return nil
}

// checkBody accepts valid UTF-8 without NUL bytes.
func checkBody(s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("not valid UTF-8")
	}
	if strings.IndexByte(s, 0) >= 0 {
		return fmt.Errorf("contains a NUL byte")
	}
	return nil
}

// checkHeader accepts an extra header field: a printable US-ASCII name that
// the mailer does not manage, and a single-line value.
func checkHeader(name, value string) error {
	if name == "" || len(name) > 76 {
		return fmt.Errorf("name must be 1 to 76 characters")
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c < 33 || c > 126 || c == ':' {
			return fmt.Errorf("name may hold only printable US-ASCII other than colon")
		}
	}
	key := strings.ToLower(name)
	if reservedHeaders[key] {
		return fmt.Errorf("set by the mailer, not through Headers")
	}
	if err := checkLine(value, MaxHeaderBytes); err != nil {
		return err
	}
	switch key {
	case "message-id":
		if !messageIDPattern.MatchString(value) {
			return fmt.Errorf("%q is not of the form <id@domain>", value)
		}
	case "reply-to":
		if _, err := netmail.ParseAddressList(value); err != nil {
			return fmt.Errorf("%q is not an address list: %v", value, err)
		}
	}
	return nil
}
