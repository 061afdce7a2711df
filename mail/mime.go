package mail

import (
	"fmt"
	netmail "net/mail"
	"strings"

	gomail "github.com/wneessen/go-mail"
)

// toMIME renders e as a go-mail message: RFC 5322 headers with RFC 2047
// encoding where needed, and a text/plain, text/html or
// multipart/alternative body in quoted-printable UTF-8.
func toMIME(e *envelope) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := msg.From(e.from); err != nil {
		return nil, fmt.Errorf("%w: sender: %v", ErrInvalidMessage, err)
	}
	if err := msg.To(e.to...); err != nil {
		return nil, fmt.Errorf("%w: recipients: %v", ErrInvalidMessage, err)
	}
	msg.Subject(e.subject)
	msg.SetDateWithValue(e.date)
	msg.SetGenHeader(gomail.HeaderMessageID, e.messageID)
	for _, h := range e.headers {
		if strings.EqualFold(h.name, string(gomail.HeaderReplyTo)) {
			list, err := netmail.ParseAddressList(h.value)
			if err != nil {
				return nil, fmt.Errorf("%w: header Reply-To: %v", ErrInvalidMessage, err)
			}
			addrs := make([]string, len(list))
			for i, a := range list {
				addrs[i] = a.String()
			}
			if err := msg.SetAddrHeader(gomail.HeaderReplyTo, addrs...); err != nil {
				return nil, fmt.Errorf("%w: header Reply-To: %v", ErrInvalidMessage, err)
			}
			continue
		}
		msg.SetGenHeader(gomail.Header(h.name), h.value)
	}
	switch {
	case e.text != "" && e.html != "":
		msg.SetBodyString(gomail.TypeTextPlain, e.text)
		msg.AddAlternativeString(gomail.TypeTextHTML, e.html)
	case e.html != "":
		msg.SetBodyString(gomail.TypeTextHTML, e.html)
	default:
		msg.SetBodyString(gomail.TypeTextPlain, e.text)
	}
	return msg, nil
}
