package mail_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/gatehouse-auth/gatehouse/mail"
)

func TestConsoleWritesReadableMessage(t *testing.T) {
	var out bytes.Buffer
	c := &mail.Console{W: &out}
	if err := c.Send(context.Background(), valid()); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"From: Gatehouse <noreply@example.com>\n",
		"To: ann@example.com, Борис <boris@example.org>\n",
		"Subject: Подтвердите адрес\n",
		"\nDate: ",
		"Message-ID: <abc.123@example.com>\n",
		"Reply-To: Support <help@example.com>\n",
		"X-Gatehouse-Kind: verify\n",
		"Content-Type: multipart/alternative\n",
		"Привет!\n",
		"<p>Привет!</p>\n",
		"\n" + strings.Repeat("-", 79) + "\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}

func TestConsoleDefaultsAndSinglePart(t *testing.T) {
	var out bytes.Buffer
	c := &mail.Console{W: &out}
	m := &mail.Message{To: []string{"ann@example.com"}, Subject: "Hi", Text: "body"}
	if err := c.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"From: " + mail.DefaultFrom + "\n",
		"Message-ID: <",
		"@localhost>\n",
		"Content-Type: text/plain; charset=utf-8\n\nbody\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}

	out.Reset()
	c = &mail.Console{W: &out, From: "noreply@example.net"}
	m = &mail.Message{To: []string{"ann@example.com"}, Subject: "Hi", HTML: "<b>x</b>"}
	if err := c.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got = out.String()
	for _, want := range []string{
		"From: noreply@example.net\n",
		"@example.net>\n",
		"Content-Type: text/html; charset=utf-8\n\n<b>x</b>\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}

func TestConsoleRefusesInvalid(t *testing.T) {
	var out bytes.Buffer
	c := &mail.Console{W: &out}
	m := valid()
	m.Subject = "hi\r\nBcc: evil@example.com"
	if err := c.Send(context.Background(), m); !errors.Is(err, mail.ErrInvalidMessage) {
		t.Fatalf("Send = %v, want ErrInvalidMessage", err)
	}
	if out.Len() != 0 {
		t.Errorf("wrote %q for an invalid message", out.String())
	}
	c = &mail.Console{W: &out, From: "not an address"}
	m = valid()
	m.From = ""
	if err := c.Send(context.Background(), m); !errors.Is(err, mail.ErrInvalidMessage) {
		t.Fatalf("Send with a bad default sender = %v, want ErrInvalidMessage", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.Send(ctx, valid()); !errors.Is(err, context.Canceled) {
		t.Fatalf("Send with a cancelled context = %v", err)
	}
}

// failWriter fails every write.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestConsoleWriteError(t *testing.T) {
	c := &mail.Console{W: failWriter{}}
	if err := c.Send(context.Background(), valid()); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Send = %v, want the write error", err)
	}
}

func TestConsoleConcurrentMessagesDoNotInterleave(t *testing.T) {
	var out bytes.Buffer
	c := &mail.Console{W: &out}
	const n = 20
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			m := &mail.Message{
				To:      []string{"ann@example.com"},
				Subject: fmt.Sprintf("message %d", i),
				Text:    strings.Repeat(fmt.Sprintf("body of %d\n", i), 50),
			}
			if err := c.Send(context.Background(), m); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	blocks := strings.Split(strings.TrimSuffix(out.String(), strings.Repeat("-", 79)+"\n"), strings.Repeat("-", 79)+"\n")
	if len(blocks) != n {
		t.Fatalf("got %d messages, want %d", len(blocks), n)
	}
	for _, b := range blocks {
		var i int
		if _, err := fmt.Sscanf(b[strings.Index(b, "Subject: "):], "Subject: message %d", &i); err != nil {
			t.Fatalf("block without subject: %q", b)
		}
		if got := strings.Count(b, fmt.Sprintf("body of %d\n", i)); got != 50 || strings.Count(b, "body of ") != 50 {
			t.Errorf("message %d is mixed with another:\n%s", i, b)
		}
	}
}

func TestConsoleEscapesControlCharacters(t *testing.T) {
	var out bytes.Buffer
	c := &mail.Console{W: &out}
	m := &mail.Message{To: []string{"ann@example.com"}, Text: "line 1\r\nwelcome \x1b[2Jadmin\tok\rX\u0085"}
	if err := c.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if strings.ContainsAny(got, "\x1b\r\u0085") {
		t.Errorf("control characters reached the console: %q", got)
	}
	if want := "line 1\nwelcome \\x1b[2Jadmin\tok\\rX\\u0085\n"; !strings.Contains(got, want) {
		t.Errorf("output %q lacks %q", got, want)
	}
}
