package mail_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/mail"
)

// emlName is the form of the file names of the file backend.
var emlName = regexp.MustCompile(`^\d{8}T\d{6}\.\d{9}Z-[0-9a-f]{16}\.eml$`)

func TestFileWritesOneEMLPerMessage(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sent", "mail")
	f := &mail.File{Dir: dir, From: "Gatehouse <noreply@example.com>"}
	subjects := []string{"first", "second", "third"}
	for _, s := range subjects {
		m := valid()
		m.From = ""
		m.Subject = s
		delete(m.Headers, "Message-ID")
		if err := f.Send(context.Background(), m); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond) // distinct, ordered time stamps
	}

	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o700 {
		t.Errorf("directory mode %v, want 0700", perm)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(names) != len(subjects) {
		t.Fatalf("files %q, want %d", names, len(subjects))
	}
	if !slices.IsSorted(names) {
		t.Errorf("names %q are not sorted", names)
	}
	ids := map[string]bool{}
	for i, name := range names {
		if !emlName.MatchString(name) {
			t.Errorf("file name %q does not match %v", name, emlName)
		}
		path := filepath.Join(dir, name)
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if perm := fi.Mode().Perm(); perm != 0o600 {
			t.Errorf("%s: mode %v, want 0600", name, perm)
		}
		msg := readEML(t, path)
		h := msg.Header
		dec := new(mime.WordDecoder)
		subject, err := dec.DecodeHeader(h.Get("Subject"))
		if err != nil || subject != subjects[i] {
			t.Errorf("%s: Subject %q (%v), want %q", name, subject, err, subjects[i])
		}
		from, err := h.AddressList("From")
		if err != nil || len(from) != 1 || from[0].Address != "noreply@example.com" || from[0].Name != "Gatehouse" {
			t.Errorf("%s: From %v (%v)", name, from, err)
		}
		to, err := h.AddressList("To")
		if err != nil || len(to) != 2 || to[0].Address != "ann@example.com" ||
			to[1].Address != "boris@example.org" || to[1].Name != "Борис" {
			t.Errorf("%s: To %v (%v)", name, to, err)
		}
		replyTo, err := h.AddressList("Reply-To")
		if err != nil || len(replyTo) != 1 || replyTo[0].Address != "help@example.com" {
			t.Errorf("%s: Reply-To %v (%v)", name, replyTo, err)
		}
		if got := h.Get("X-Gatehouse-Kind"); got != "verify" {
			t.Errorf("%s: X-Gatehouse-Kind %q", name, got)
		}
		if d, err := h.Date(); err != nil || time.Since(d) > time.Minute {
			t.Errorf("%s: Date %q (%v)", name, h.Get("Date"), err)
		}
		id := h.Get("Message-ID")
		if !regexp.MustCompile(`^<[0-9a-f]{32}@example\.com>$`).MatchString(id) || ids[id] {
			t.Errorf("%s: Message-ID %q is malformed or repeated", name, id)
		}
		ids[id] = true
		if got := h.Get("MIME-Version"); got != "1.0" {
			t.Errorf("%s: MIME-Version %q", name, got)
		}
		text, html := bodies(t, msg)
		if text != "Привет!\n" && text != "Привет!\r\n" {
			t.Errorf("%s: text part %q", name, text)
		}
		if html != "<p>Привет!</p>" {
			t.Errorf("%s: HTML part %q", name, html)
		}
	}
}

func TestFileKeepsGivenMessageID(t *testing.T) {
	dir := t.TempDir()
	f := &mail.File{Dir: dir}
	if err := f.Send(context.Background(), valid()); err != nil {
		t.Fatal(err)
	}
	matches, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	if len(matches) != 1 {
		t.Fatalf("files %q", matches)
	}
	if got := readEML(t, matches[0]).Header.Get("Message-ID"); got != "<abc.123@example.com>" {
		t.Errorf("Message-ID %q", got)
	}
}

func TestFileRefusesInvalid(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	f := &mail.File{Dir: dir}
	m := valid()
	m.Headers["X-Note"] = "a\r\nBcc: evil@example.com"
	if err := f.Send(context.Background(), m); !errors.Is(err, mail.ErrInvalidMessage) {
		t.Fatalf("Send = %v, want ErrInvalidMessage", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("directory created for an invalid message (%v)", err)
	}
	if err := (&mail.File{}).Send(context.Background(), valid()); err == nil {
		t.Error("Send without Dir succeeded")
	}
}

// readEML parses the message in path.
func readEML(t *testing.T, path string) *netmail.Message {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := netmail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return msg
}

// bodies returns the decoded text/plain and text/html parts of msg.
func bodies(t *testing.T, msg *netmail.Message) (text, html string) {
	t.Helper()
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	decode := func(cte string, r io.Reader) string {
		if strings.EqualFold(cte, "quoted-printable") {
			r = quotedprintable.NewReader(r)
		}
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	if !strings.HasPrefix(mt, "multipart/") {
		body := decode(msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
		if mt == "text/html" {
			return "", body
		}
		return body, ""
	}
	if mt != "multipart/alternative" {
		t.Errorf("Content-Type %q, want multipart/alternative", mt)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return text, html
		}
		if err != nil {
			t.Fatal(err)
		}
		pt, pp, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if !strings.EqualFold(pp["charset"], "utf-8") {
			t.Errorf("part %s has charset %q", pt, pp["charset"])
		}
		body := decode(p.Header.Get("Content-Transfer-Encoding"), p)
		switch pt {
		case "text/plain":
			text = body
		case "text/html":
			html = body
		default:
			t.Errorf("unexpected part %q", pt)
		}
	}
}
