package social

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// flexID is an id a provider sends as a JSON number or string (GitHub's
// and Telegram's are numbers, VK's either): it unmarshals into its decimal
// or string form.
type flexID string

func (f *flexID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*f = ""
		return nil
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexID(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	if _, err := strconv.ParseInt(n.String(), 10, 64); err != nil {
		return &json.UnsupportedValueError{Str: "id " + n.String()}
	}
	*f = flexID(n.String())
	return nil
}

// flexBool is a flag sent as a JSON boolean or as the string "true" (some
// OpenID Connect providers send email_verified so); anything else is false.
type flexBool bool

func (f *flexBool) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("true")):
		*f = true
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexBool(strings.EqualFold(s, "true"))
	default:
		*f = false
	}
	return nil
}

// errNoSubject is Map's error for a profile without the user's id.
var errNoSubject = &failure{code: CodeProviderError, reason: "the profile has no subject (user id)"}

// profileOf checks the mapped profile: an id is required, and strings are
// trimmed.
func profileOf(p *Profile) (*Profile, error) {
	p.Subject = strings.TrimSpace(p.Subject)
	if p.Subject == "" || len(p.Subject) > 255 {
		return nil, errNoSubject
	}
	for _, s := range []*string{&p.Email, &p.Name, &p.FirstName, &p.LastName, &p.Username, &p.AvatarURL} {
		*s = strings.TrimSpace(*s)
	}
	if p.Email == "" {
		p.EmailVerified = false
	}
	if p.Name == "" {
		p.Name = strings.TrimSpace(p.FirstName + " " + p.LastName)
	}
	return p, nil
}
