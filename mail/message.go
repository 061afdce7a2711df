package mail

// Limits enforced by [Message.Validate].
const (
	// MaxSubjectBytes bounds the subject, in bytes of UTF-8 (RFC 5322's line
	// limit).
	MaxSubjectBytes = 998
	// MaxBodyBytes bounds Text and HTML together, in bytes.
	MaxBodyBytes = 1 << 20
	// MaxRecipients bounds the number of addresses in To.
	MaxRecipients = 100
	// MaxHeaders bounds the number of extra headers.
	MaxHeaders = 50
	// MaxHeaderBytes bounds each extra header value and each address, in
	// bytes.
	MaxHeaderBytes = 998
)

// DefaultFrom is the sender used when neither the message nor the backend
// names one, as Django's DEFAULT_FROM_EMAIL does.
const DefaultFrom = "webmaster@localhost"

// Message is one email to send.
//
// To lists the recipients, each a single RFC 5322 address such as
// "ann@example.com" or "Ann <ann@example.com>". From may be empty, in which
// case the backend's configured sender is used. Text and HTML are the two
// renderings of the body; when both are set the message is sent as
// multipart/alternative. Headers holds extra header fields (for example
// "Reply-To", "Message-ID" or "X-Gatehouse-Kind"); the fields that describe
// the message structure (From, To, Cc, Bcc, Subject, Date, MIME-Version and
// Content-*) are set by the mailer and refused here. A "Message-ID" given in
// Headers is kept, which lets a retrying sender reuse the same ID; otherwise
// one is generated. All strings must be valid UTF-8.
type Message struct {
	To      []string
	From    string
	Subject string
	Text    string
	HTML    string
	Headers map[string]string
}
