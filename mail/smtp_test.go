package mail_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/mail"
	"github.com/gatehouse-auth/gatehouse/mail/mailtest"
)

// waitTime bounds how long a test waits for mailpit to store a message.
const waitTime = 10 * time.Second

func newSMTP(t *testing.T, rawURL string, opts ...mail.SMTPOption) *mail.SMTP {
	t.Helper()
	s, err := mail.NewSMTP(rawURL, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSMTPDeliversRussianTextAndHTML(t *testing.T) {
	sink := mailtest.Start(t)
	s := newSMTP(t, sink.SMTPURL(), mail.WithFrom("Гейтхаус <noreply@example.com>"))
	m := &mail.Message{
		To:      []string{"Анна Каренина <anna@example.com>", "boris@example.org"},
		Subject: "Подтвердите адрес электронной почты — это длинная тема, которую придётся переносить",
		Text:    "Здравствуйте!\n\nЧтобы подтвердить адрес, откройте ссылку:\nhttps://example.com/accounts/confirm-email/Ключ/\n",
		HTML:    `<p>Здравствуйте!</p><p><a href="https://example.com/accounts/confirm-email/Ключ/">Подтвердить</a></p>`,
		Headers: map[string]string{"X-Gatehouse-Kind": "verify"},
	}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	msgs := sink.WaitFor(t, 1, waitTime)
	if len(msgs) != 1 {
		t.Fatalf("%d messages arrived, want 1", len(msgs))
	}
	got := msgs[0]
	if got.Subject != m.Subject {
		t.Errorf("Subject = %q, want %q", got.Subject, m.Subject)
	}
	if norm(got.Text) != norm(m.Text) {
		t.Errorf("Text = %q, want %q", got.Text, m.Text)
	}
	if norm(got.HTML) != norm(m.HTML) {
		t.Errorf("HTML = %q, want %q", got.HTML, m.HTML)
	}
	if got.From != "noreply@example.com" {
		t.Errorf("From = %q", got.From)
	}
	if strings.Join(got.To, ",") != "anna@example.com,boris@example.org" {
		t.Errorf("To = %q", got.To)
	}
	if ct := strings.Join(got.Headers["Content-Type"], ""); !strings.HasPrefix(ct, "multipart/alternative;") {
		t.Errorf("Content-Type = %q, want multipart/alternative", ct)
	}
	if len(got.Headers["Date"]) != 1 {
		t.Errorf("Date = %q, want one", got.Headers["Date"])
	}
	if !strings.HasSuffix(got.MessageID, "@example.com") || len(got.Headers["Message-Id"]) != 1 {
		t.Errorf("Message-ID = %q (headers %q)", got.MessageID, got.Headers["Message-Id"])
	}
	if k := got.Headers["X-Gatehouse-Kind"]; len(k) != 1 || k[0] != "verify" {
		t.Errorf("X-Gatehouse-Kind = %q", k)
	}
	if ua := got.Headers["User-Agent"]; len(ua) != 0 {
		t.Errorf("User-Agent = %q, want none", ua)
	}
}

// norm drops the line-ending differences that transport introduces.
func norm(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}

func TestSMTPKeepsGivenMessageIDAndAuthenticates(t *testing.T) {
	sink := mailtest.Start(t)
	u := strings.Replace(sink.SMTPURL(), "://", "://gatehouse:p%40ss@", 1)
	s := newSMTP(t, u)
	m := &mail.Message{
		To:      []string{"ann@example.com"},
		Subject: "retry",
		Text:    "same id",
		Headers: map[string]string{"Message-ID": "<outbox.42@example.com>"},
	}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := sink.WaitFor(t, 1, waitTime)[0]
	if got.MessageID != "outbox.42@example.com" {
		t.Errorf("MessageID = %q", got.MessageID)
	}
	if got.From != mail.DefaultFrom {
		t.Errorf("From = %q, want %q", got.From, mail.DefaultFrom)
	}
	if got.Username != "gatehouse" {
		t.Errorf("authenticated as %q, want gatehouse", got.Username)
	}
}

func TestSMTPOpportunisticWithoutSTARTTLS(t *testing.T) {
	sink := mailtest.Start(t)
	// mailpit without a certificate offers no STARTTLS: smtp:// goes on in
	// plain text, ?tls=starttls refuses to.
	s := newSMTP(t, "smtp://"+sink.SMTPAddr())
	if err := s.Send(context.Background(), &mail.Message{To: []string{"a@example.com"}, Text: "x"}); err != nil {
		t.Fatal(err)
	}
	sink.WaitFor(t, 1, waitTime)
	s = newSMTP(t, "smtp://"+sink.SMTPAddr()+"?tls=starttls")
	err := s.Send(context.Background(), &mail.Message{To: []string{"a@example.com"}, Text: "x"})
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("Send with tls=starttls to a server without STARTTLS = %v", err)
	}
}

func TestSMTPRefusesHeaderInjectionBeforeConnecting(t *testing.T) {
	sink := mailtest.Start(t)
	s := newSMTP(t, sink.SMTPURL())
	for name, m := range map[string]*mail.Message{
		"subject": {To: []string{"a@example.com"}, Subject: "hi\r\nBcc: evil@example.com", Text: "x"},
		"header":  {To: []string{"a@example.com"}, Headers: map[string]string{"X-A": "1\r\nBcc: evil@example.com"}},
		"to":      {To: []string{"a@example.com\r\nBcc: evil@example.com"}, Text: "x"},
		"from":    {To: []string{"a@example.com"}, From: "a@example.com\nBcc: evil@example.com", Text: "x"},
	} {
		if err := s.Send(context.Background(), m); !errors.Is(err, mail.ErrInvalidMessage) {
			t.Errorf("%s: Send = %v, want ErrInvalidMessage", name, err)
		}
	}

	// Nothing reached mailpit, and no connection was even opened.
	ln, accepted := countingListener(t)
	s = newSMTP(t, "smtp+insecure://"+ln)
	err := s.Send(context.Background(), &mail.Message{To: []string{"a@example.com"}, Subject: "a\nb"})
	if !errors.Is(err, mail.ErrInvalidMessage) {
		t.Fatalf("Send = %v", err)
	}
	time.Sleep(50 * time.Millisecond)
	if n := accepted.Load(); n != 0 {
		t.Errorf("%d connections for an invalid message", n)
	}
	if n := sink.Count(t); n != 0 {
		t.Errorf("mailpit holds %d messages", n)
	}
}

// countingListener accepts connections on a loopback port, counts and
// closes them.
func countingListener(t *testing.T) (string, *atomic.Int32) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	var n atomic.Int32
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			n.Add(1)
			c.Close()
		}
	}()
	return l.Addr().String(), &n
}

func TestSMTPClosedPortIsTemporary(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	const secret = "Hunter2Secret"
	s := newSMTP(t, "smtp+insecure://user:"+secret+"@"+addr, mail.WithTimeout(3*time.Second))
	start := time.Now()
	err = s.Send(context.Background(), &mail.Message{To: []string{"a@example.com"}, Text: "x"})
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Errorf("Send took %v, beyond its 3s timeout", elapsed)
	}
	if !errors.Is(err, mail.ErrTemporary) || errors.Is(err, mail.ErrPermanent) {
		t.Fatalf("Send to a closed port = %v, want ErrTemporary", err)
	}
	if strings.Contains(err.Error(), secret) || strings.Contains(s.String(), secret) {
		t.Errorf("password shown: %q / %q", err, s.String())
	}
}

// stallingListener accepts connections and never says anything, until the
// test ends.
func stallingListener(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		conns []net.Conn
	)
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	return l.Addr().String()
}

func TestSMTPStalledServerTimesOut(t *testing.T) {
	addr := stallingListener(t)
	s := newSMTP(t, "smtp+insecure://"+addr, mail.WithTimeout(300*time.Millisecond))
	start := time.Now()
	err := s.Send(context.Background(), &mail.Message{To: []string{"a@example.com"}, Text: "x"})
	elapsed := time.Since(start)
	if !errors.Is(err, mail.ErrTemporary) {
		t.Fatalf("Send to a silent server = %v, want ErrTemporary", err)
	}
	if elapsed < 250*time.Millisecond || elapsed > 3*time.Second {
		t.Errorf("Send gave up after %v, want about 300ms", elapsed)
	}
}

func TestSMTPContextCancelInterrupts(t *testing.T) {
	addr := stallingListener(t)
	s := newSMTP(t, "smtp+insecure://"+addr) // 10 s default timeout
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	err := s.Send(ctx, &mail.Message{To: []string{"a@example.com"}, Text: "x"})
	if !errors.Is(err, mail.ErrTemporary) || !errors.Is(err, context.Canceled) {
		t.Fatalf("Send = %v, want ErrTemporary and context.Canceled", err)
	}
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Errorf("Send returned %v after cancel", elapsed)
	}
	if err := s.Send(ctx, &mail.Message{To: []string{"a@example.com"}, Text: "x"}); !errors.Is(err, mail.ErrTemporary) {
		t.Errorf("Send with a done context = %v", err)
	}
}

func TestSMTPReplyCodes(t *testing.T) {
	sink := mailtest.Start(t)
	withAuth := strings.Replace(sink.SMTPURL(), "://", "://u:p@", 1)
	for _, tc := range []struct {
		url   string
		chaos mailtest.Chaos
		want  error
	}{
		{sink.SMTPURL(), mailtest.Chaos{Sender: 421}, mail.ErrTemporary},
		{sink.SMTPURL(), mailtest.Chaos{Recipient: 451}, mail.ErrTemporary},
		{sink.SMTPURL(), mailtest.Chaos{Recipient: 452}, mail.ErrTemporary},
		{sink.SMTPURL(), mailtest.Chaos{Sender: 550}, mail.ErrPermanent},
		{sink.SMTPURL(), mailtest.Chaos{Recipient: 550}, mail.ErrPermanent},
		{sink.SMTPURL(), mailtest.Chaos{Recipient: 553}, mail.ErrPermanent},
		{withAuth, mailtest.Chaos{Authentication: 535}, mail.ErrPermanent},
		{withAuth, mailtest.Chaos{Authentication: 454}, mail.ErrTemporary},
	} {
		t.Run(fmt.Sprintf("%+v", tc.chaos), func(t *testing.T) {
			sink.SetChaos(t, tc.chaos)
			err := newSMTP(t, tc.url).Send(context.Background(), &mail.Message{To: []string{"a@example.com"}, Text: "x"})
			if !errors.Is(err, tc.want) {
				t.Fatalf("Send = %v, want %v", err, tc.want)
			}
			other := mail.ErrPermanent
			if tc.want == mail.ErrPermanent {
				other = mail.ErrTemporary
			}
			if errors.Is(err, other) {
				t.Errorf("Send = %v is both temporary and permanent", err)
			}
		})
	}
	sink.SetChaos(t, mailtest.Chaos{})
	if n := sink.Count(t); n != 0 {
		t.Errorf("mailpit holds %d refused messages", n)
	}
}

func TestSMTPConcurrentSends(t *testing.T) {
	sink := mailtest.Start(t)
	s := newSMTP(t, sink.SMTPURL())
	const n = 8
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			m := &mail.Message{To: []string{fmt.Sprintf("user%d@example.com", i)}, Subject: fmt.Sprint(i), Text: "x"}
			if err := s.Send(context.Background(), m); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	msgs := sink.WaitFor(t, n, waitTime)
	seen := map[string]bool{}
	for _, m := range msgs {
		seen[m.Subject] = true
	}
	if len(seen) != n {
		t.Errorf("subjects %v, want %d distinct", seen, n)
	}
}

func TestSMTPOutageAndRecovery(t *testing.T) {
	sink := mailtest.Start(t)
	s := newSMTP(t, sink.SMTPURL(), mail.WithTimeout(2*time.Second))
	m := &mail.Message{To: []string{"a@example.com"}, Subject: "outage", Text: "x"}
	sink.Stop(t)
	if err := s.Send(context.Background(), m); !errors.Is(err, mail.ErrTemporary) {
		t.Fatalf("Send while mailpit is down = %v, want ErrTemporary", err)
	}
	sink.Restart(t)
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatalf("Send after restart = %v", err)
	}
	sink.WaitFor(t, 1, waitTime)
}

func TestNewSMTPOptions(t *testing.T) {
	if _, err := mail.NewSMTP("smtp://h", mail.WithTimeout(0)); err == nil {
		t.Error("zero timeout accepted")
	}
	if _, err := mail.NewSMTP("smtp://h", mail.WithFrom("nobody")); err == nil {
		t.Error("bad sender accepted")
	}
	const secret = "Hunter2Secret"
	_, err := mail.NewSMTP("smtp://user:" + secret + "@host:99999")
	if err == nil || strings.Contains(err.Error(), secret) {
		t.Errorf("NewSMTP with a bad port = %v", err)
	}
	s, err := mail.NewSMTP("smtps://user:"+secret+"@smtp.example.com", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.String(), "smtps://user:xxxxx@smtp.example.com:465"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if got := fmt.Sprintf("%v %+v %s %#v", s, s, s, s); strings.Contains(got, secret) {
		t.Errorf("formatting shows the password: %q", got)
	}
}

func TestSMTPLeavesNoGoroutines(t *testing.T) {
	sink := mailtest.Start(t)
	stalled := stallingListener(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	l.Close()
	m := &mail.Message{To: []string{"a@example.com"}, Text: "x"}
	good := newSMTP(t, sink.SMTPURL())
	silent := newSMTP(t, "smtp+insecure://"+stalled, mail.WithTimeout(100*time.Millisecond))
	refused := newSMTP(t, "smtp+insecure://"+closed)
	sink.Count(t) // let the HTTP client settle before counting goroutines

	before := runtime.NumGoroutine()
	for range 5 {
		if err := good.Send(context.Background(), m); err != nil {
			t.Fatal(err)
		}
		_ = silent.Send(context.Background(), m)
		_ = refused.Send(context.Background(), m)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		_ = newSMTP(t, "smtp+insecure://"+stalled).Send(ctx, m)
		cancel()
	}
	deadline := time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines before, %d after:\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond)
	}
}
