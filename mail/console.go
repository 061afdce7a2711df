package mail

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// consoleRule ends each message written by [Console], as in Django's
// console backend.
var consoleRule = strings.Repeat("-", 79)

// Console is a [Mailer] that writes each message in a readable, RFC
// 5322-like form (headers not encoded, bodies as plain UTF-8, control
// characters other than tab and line feed shown as escapes) to W. Writes are
// serialised, so messages sent concurrently never interleave. It delivers
// nothing and is meant for development: it is the default backend of
// `gatehouse serve`.
//
// The zero value writes to os.Stdout with [DefaultFrom] as sender. A Console
// must not be copied after first use.
type Console struct {
	// W receives the messages; nil means os.Stdout.
	W io.Writer
	// From is the sender of messages that name none; empty means DefaultFrom.
	From string

	mu sync.Mutex
}

// Send validates m and writes it to c.W in one Write call.
func (c *Console) Send(ctx context.Context, m *Message) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("mail: console: %w", err)
	}
	e, err := prepare(m, c.From, time.Now())
	if err != nil {
		return err
	}
	var b bytes.Buffer
	writeReadable(&b, e)

	c.mu.Lock()
	defer c.mu.Unlock()
	w := c.W
	if w == nil {
		w = os.Stdout
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("mail: console: %w", err)
	}
	return nil
}

// writeReadable writes e as header lines, a blank line and the bodies,
// followed by a rule.
func writeReadable(b *bytes.Buffer, e *envelope) {
	fmt.Fprintf(b, "From: %s\n", e.from)
	fmt.Fprintf(b, "To: %s\n", strings.Join(e.to, ", "))
	fmt.Fprintf(b, "Subject: %s\n", e.subject)
	fmt.Fprintf(b, "Date: %s\n", e.date.Format(time.RFC1123Z))
	fmt.Fprintf(b, "Message-ID: %s\n", e.messageID)
	for _, h := range e.headers {
		fmt.Fprintf(b, "%s: %s\n", h.name, h.value)
	}
	part := func(body string) {
		body = terminalSafe(body)
		b.WriteString(body)
		if !strings.HasSuffix(body, "\n") {
			b.WriteByte('\n')
		}
	}
	switch {
	case e.text != "" && e.html != "":
		b.WriteString("Content-Type: multipart/alternative\n\n")
		b.WriteString("--- text/plain; charset=utf-8 ---\n")
		part(e.text)
		b.WriteString("--- text/html; charset=utf-8 ---\n")
		part(e.html)
	case e.html != "":
		b.WriteString("Content-Type: text/html; charset=utf-8\n\n")
		part(e.html)
	default:
		b.WriteString("Content-Type: text/plain; charset=utf-8\n\n")
		part(e.text)
	}
	b.WriteString(consoleRule)
	b.WriteByte('\n')
}

// terminalSafe turns CRLF into LF and shows other control characters (such
// as ESC, which could drive the terminal) as Go escapes, keeping tabs and
// line feeds.
func terminalSafe(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	if !strings.ContainsFunc(s, isUnsafeControl) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if isUnsafeControl(r) {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isUnsafeControl reports whether r is a control character other than tab
// and line feed.
func isUnsafeControl(r rune) bool {
	return r != '\t' && r != '\n' && (r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0)
}
