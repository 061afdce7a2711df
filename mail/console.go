package mail

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// consoleRule ends each message written by [Console], as in Django's
// console backend.
var consoleRule = strings.Repeat("-", 79)

// Console is a [Mailer] that writes each message in a readable, RFC
// 5322-like form (headers undecoded, bodies as plain UTF-8) to W. Writes are
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
