package mail_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse/mail"
)

func TestPrepareQueued(t *testing.T) {
	m := &mail.Message{To: []string{"Ann <ann@example.com>"}, From: "Gatehouse <noreply@Example.COM>", Subject: "Hi",
		Headers: map[string]string{"X-Gatehouse-Kind": "verify"}}
	q, err := mail.PrepareQueued(m)
	if err != nil {
		t.Fatal(err)
	}
	id := q.Headers["Message-ID"]
	if !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@example.com>") || q.Headers["X-Gatehouse-Kind"] != "verify" {
		t.Errorf("headers = %q, want a Message-ID at example.com and the original header", q.Headers)
	}
	if len(m.Headers) != 1 {
		t.Errorf("PrepareQueued modified the message's headers: %q", m.Headers)
	}
	q.To[0] = "changed@example.com"
	if m.To[0] != "Ann <ann@example.com>" {
		t.Errorf("the copy shares To with the message")
	}
	if err := q.Validate(); err != nil {
		t.Errorf("the prepared message is invalid: %v", err)
	}

	// A Message-ID of the caller's, in any case, is kept.
	m.Headers = map[string]string{"message-id": "<given@example.com>"}
	if q, err := mail.PrepareQueued(m); err != nil || len(q.Headers) != 1 || q.Headers["message-id"] != "<given@example.com>" {
		t.Errorf("with a Message-ID: %q, %v", q.Headers, err)
	}

	// A full set of headers gets no Message-ID: one more would be refused.
	m.Headers = map[string]string{}
	for i := range mail.MaxHeaders {
		m.Headers["X-H"+strings.Repeat("a", i)] = "v"
	}
	if q, err := mail.PrepareQueued(m); err != nil || len(q.Headers) != mail.MaxHeaders || q.Validate() != nil {
		t.Errorf("with %d headers: %d headers, %v", mail.MaxHeaders, len(q.Headers), err)
	}

	if _, err := mail.PrepareQueued(&mail.Message{Subject: "nobody"}); !errors.Is(err, mail.ErrInvalidMessage) {
		t.Errorf("no recipient: %v, want ErrInvalidMessage", err)
	}
}
