package mailtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"
)

// Summary is one message as mailpit received it.
type Summary struct {
	ID        string              // mailpit's database ID
	MessageID string              // the Message-ID header, without angle brackets
	From      string              // the sender's address, without display name
	To        []string            // the To addresses, without display names
	Subject   string              // decoded
	Text      string              // the text/plain body, decoded
	HTML      string              // the text/html body, decoded
	Headers   map[string][]string // every header field, values as written (not decoded)
	Username  string              // the SMTP AUTH user name, if the client authenticated
}

// address is mailpit's JSON form of an address.
type address struct {
	Name    string
	Address string
}

// listing is the part of GET /api/v1/messages that is used here.
type listing struct {
	Total    int `json:"total"`
	Messages []struct {
		ID string
	} `json:"messages"`
}

// message is the part of GET /api/v1/message/{ID} that is used here.
type message struct {
	ID        string
	MessageID string
	From      *address
	To        []address
	Subject   string
	Text      string
	HTML      string
	Username  string
}

// Messages returns every message in the sink, oldest first, with bodies and
// headers. It fails the test if mailpit does not answer.
func (s *Sink) Messages(t testing.TB) []Summary {
	t.Helper()
	var l listing
	if err := s.getJSON("api/v1/messages?limit=1000", &l); err != nil {
		t.Fatalf("mailtest: listing messages: %v", err)
	}
	out := make([]Summary, 0, len(l.Messages))
	for _, m := range slices.Backward(l.Messages) { // mailpit lists newest first
		sum, err := s.message(m.ID)
		if err != nil {
			t.Fatalf("mailtest: reading message %s: %v", m.ID, err)
		}
		out = append(out, sum)
	}
	return out
}

// WaitFor waits until the sink holds at least n messages and returns them all
// as [Sink.Messages] does. It fails the test if that takes longer than
// timeout.
func (s *Sink) WaitFor(t testing.TB, n int, timeout time.Duration) []Summary {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		var l listing
		err := s.getJSON("api/v1/messages?limit=1", &l)
		if err == nil && l.Total >= n {
			return s.Messages(t)
		}
		if time.Now().After(deadline) {
			if err != nil {
				t.Fatalf("mailtest: waiting %v for %d messages: %v", timeout, n, err)
			}
			t.Fatalf("mailtest: waited %v for %d messages, have %d", timeout, n, l.Total)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// Count returns the number of messages in the sink.
func (s *Sink) Count(t testing.TB) int {
	t.Helper()
	var l listing
	if err := s.getJSON("api/v1/messages?limit=1", &l); err != nil {
		t.Fatalf("mailtest: counting messages: %v", err)
	}
	return l.Total
}

// Clear deletes every message in the sink.
func (s *Sink) Clear(t testing.TB) {
	t.Helper()
	if err := s.do(http.MethodDelete, "api/v1/messages", nil, nil); err != nil {
		t.Fatalf("mailtest: deleting messages: %v", err)
	}
}

// Chaos makes mailpit's SMTP server reject commands with the given reply
// codes (400 to 599), every time; zero leaves a command alone.
type Chaos struct {
	Sender         int // MAIL FROM
	Recipient      int // RCPT TO
	Authentication int // AUTH
}

// SetChaos installs c, replacing what was set before; SetChaos(t, Chaos{})
// makes the server well-behaved again.
func (s *Sink) SetChaos(t testing.TB, c Chaos) {
	t.Helper()
	type trigger struct{ ErrorCode, Probability int }
	tr := func(code int) trigger {
		if code == 0 {
			return trigger{}
		}
		return trigger{ErrorCode: code, Probability: 100}
	}
	body := map[string]trigger{
		"Sender":         tr(c.Sender),
		"Recipient":      tr(c.Recipient),
		"Authentication": tr(c.Authentication),
	}
	if err := s.do(http.MethodPut, "api/v1/chaos", body, nil); err != nil {
		t.Fatalf("mailtest: setting chaos: %v", err)
	}
}

// message reads one message with its headers.
func (s *Sink) message(id string) (Summary, error) {
	var m message
	if err := s.getJSON("api/v1/message/"+url.PathEscape(id), &m); err != nil {
		return Summary{}, err
	}
	sum := Summary{
		ID:        m.ID,
		MessageID: m.MessageID,
		Subject:   m.Subject,
		Text:      m.Text,
		HTML:      m.HTML,
		Username:  m.Username,
	}
	if m.From != nil {
		sum.From = m.From.Address
	}
	for _, a := range m.To {
		sum.To = append(sum.To, a.Address)
	}
	if err := s.getJSON("api/v1/message/"+url.PathEscape(id)+"/headers", &sum.Headers); err != nil {
		return Summary{}, err
	}
	return sum, nil
}

// getJSON decodes the answer to GET path into v.
func (s *Sink) getJSON(path string, v any) error {
	return s.do(http.MethodGet, path, nil, v)
}

// do sends a request to the API with body (if not nil) as JSON and decodes
// a JSON answer into v (if not nil).
func (s *Sink) do(method, path string, body, v any) error {
	s.mu.Lock()
	running := s.proc != nil
	s.mu.Unlock()
	if !running {
		return errStopped
	}
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.APIURL()+path, r)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := s.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, bytes.TrimSpace(data))
	}
	if v == nil {
		return nil
	}
	return json.Unmarshal(data, v)
}
