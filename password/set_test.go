package password

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// cheapSet is DefaultSet with a low-cost preferred argon2id.
func cheapSet() *Set {
	s := DefaultSet()
	s.Preferred = Argon2Hasher{Memory: 256, Time: 1, Threads: 1}
	return s
}

func TestSetRoundTrip(t *testing.T) {
	s := cheapSet()
	p := "P4-" + strings.Repeat("ab cd ", 16) + "ÉÑ" // > 72 bytes
	enc, err := s.Hash(context.Background(), p)
	if err != nil || !strings.HasPrefix(enc, "argon2$argon2id$") {
		t.Fatalf("Hash = %q, %v", enc, err)
	}
	if ok, up, err := s.Verify(context.Background(), p, enc); !ok || up != "" || err != nil {
		t.Fatalf("Verify = %v, %q, %v", ok, up, err)
	}
	// P4: no truncation, case folding or trimming.
	for _, w := range []string{p[:72] + "x", p[:72], strings.ToUpper(p), strings.ToLower(p), p + " ", " " + p, strings.TrimSpace(p + " ")[1:]} {
		if ok, _, err := s.Verify(context.Background(), w, enc); ok || err != nil {
			t.Errorf("Verify(%q) = %v, %v; want false", w, ok, err)
		}
	}
	if s.Algorithm(enc) != "argon2" {
		t.Errorf("Algorithm = %q", s.Algorithm(enc))
	}
}

// TestSetNFKC is P5: precomposed and decomposed spellings are one password.
func TestSetNFKC(t *testing.T) {
	s := cheapSet()
	for _, tc := range []struct{ set, login string }{
		{"caf\u00e9-secret", "cafe\u0301-secret"},
		{"cafe\u0301-secret", "caf\u00e9-secret"},
		{"ｐａｓｓ-word-1", "pass-word-1"}, // full-width
		{"Å-ring-99", "A\u030a-ring-99"},
	} {
		enc, err := s.Hash(context.Background(), tc.set)
		if err != nil {
			t.Fatal(err)
		}
		if ok, _, err := s.Verify(context.Background(), tc.login, enc); !ok || err != nil {
			t.Errorf("Hash(%q) then Verify(%q) = %v, %v", tc.set, tc.login, ok, err)
		}
		if ok, _, _ := s.Verify(context.Background(), tc.set, enc); !ok {
			t.Errorf("Hash(%q) then Verify(same) failed", tc.set)
		}
	}
}

// TestSetTooLong is P7: a 1 MiB password is refused at once.
func TestSetTooLong(t *testing.T) {
	s := DefaultSet()
	enc, _ := Argon2Hasher{Memory: 64, Time: 1}.Hash("x")
	huge := strings.Repeat("a", 1<<20)
	start := time.Now()
	if _, err := s.Hash(context.Background(), huge); !errors.Is(err, ErrTooLong) {
		t.Errorf("Hash(1 MiB) err = %v", err)
	}
	if ok, _, err := s.Verify(context.Background(), huge, enc); ok || !errors.Is(err, ErrTooLong) {
		t.Errorf("Verify(1 MiB) = %v, %v", ok, err)
	}
	s.VerifyDummy(context.Background(), huge)
	if d := time.Since(start); d > 50*time.Millisecond {
		t.Errorf("1 MiB password took %v", d)
	}
	if _, err := cheapSet().Hash(context.Background(), strings.Repeat("a", MaxLength)); err != nil {
		t.Errorf("Hash(MaxLength bytes) = %v", err)
	}
	if _, err := s.Hash(context.Background(), strings.Repeat("a", MaxLength+1)); !errors.Is(err, ErrTooLong) {
		t.Errorf("Hash(MaxLength+1) = %v", err)
	}
	// NFKC can expand: U+FDFA becomes 18 code points.
	if _, err := s.Hash(context.Background(), strings.Repeat("\ufdfa", 300)); !errors.Is(err, ErrTooLong) {
		t.Errorf("Hash(expanding) = %v", err)
	}
}

func TestSetUnusable(t *testing.T) {
	s := cheapSet()
	a, b := s.Unusable(), s.Unusable()
	if len(a) != 41 || a[0] != '!' || a == b || IsUsable(a) {
		t.Errorf("Unusable() = %q, %q", a, b)
	}
	for _, enc := range []string{a, "", "!"} {
		if ok, up, err := s.Verify(context.Background(), "", enc); ok || up != "" || err != nil {
			t.Errorf("Verify(\"\", %q) = %v, %q, %v", enc, ok, up, err)
		}
		if ok, _, err := s.Verify(context.Background(), enc, enc); ok || err != nil {
			t.Errorf("Verify(%q, itself) = %v, %v", enc, ok, err)
		}
		if got := s.Algorithm(enc); got != "unusable" {
			t.Errorf("Algorithm(%q) = %q", enc, got)
		}
	}
}

func TestSetUnknownAndIdentify(t *testing.T) {
	s := cheapSet()
	if ok, _, err := s.Verify(context.Background(), "pw", "crypt$$ab1234567890"); ok || !errors.Is(err, ErrUnknownAlgorithm) {
		t.Errorf("Verify(crypt) = %v, %v", ok, err)
	}
	for enc, want := range map[string]string{
		"crypt$$ab1234567890":                                "unknown",
		"5f4dcc3b5aa765d61d8327deb882cf99":                   "unsalted_md5",
		"md5$$5f4dcc3b5aa765d61d8327deb882cf99":              "unsalted_md5",
		"sha1$$5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8":     "unsalted_sha1",
		"sha1$salt$5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8": "sha1",
		"pbkdf2_sha256$1$s$x":                                "pbkdf2_sha256",
		"bcrypt_sha256$$2b$12$x":                             "bcrypt_sha256",
	} {
		if got := s.Algorithm(enc); got != want {
			t.Errorf("Algorithm(%q) = %q, want %q", enc, got, want)
		}
	}
	// A Set only accepts what it lists.
	only := NewSet(Argon2Hasher{Memory: 64, Time: 1})
	md5, _ := MD5Hasher{}.Hash("pw")
	if ok, _, err := only.Verify(context.Background(), "pw", md5); ok || !errors.Is(err, ErrUnknownAlgorithm) {
		t.Errorf("argon2-only set Verify(md5) = %v, %v", ok, err)
	}
	if _, err := (&Set{}).Hash(context.Background(), "pw"); !errors.Is(err, ErrNoHasher) {
		t.Errorf("empty Set Hash err = %v", err)
	}
}

func TestSetUpgradeWeakArgon2(t *testing.T) {
	s := NewSet(Argon2Hasher{Memory: 512, Time: 2})
	weak, _ := Argon2Hasher{Memory: 256, Time: 1}.Hash("pw")
	ok, up, err := s.Verify(context.Background(), "pw", weak)
	if !ok || err != nil || !strings.HasPrefix(up, "argon2$argon2id$v=19$m=512,t=2,p=1$") {
		t.Fatalf("Verify(weak) = %v, %q, %v", ok, up, err)
	}
	if ok, _, _ := s.Verify(context.Background(), "wrong", weak); ok {
		t.Error("wrong password verified")
	}
	if _, up, _ := s.Verify(context.Background(), "wrong", weak); up != "" {
		t.Error("upgrade offered for a failed login")
	}
}

// countingHasher records how many of its computations run at once.
type countingHasher struct {
	cur, peak, calls atomic.Int64
}

func (c *countingHasher) work() {
	c.calls.Add(1)
	n := c.cur.Add(1)
	for {
		p := c.peak.Load()
		if n <= p || c.peak.CompareAndSwap(p, n) {
			break
		}
	}
	time.Sleep(2 * time.Millisecond)
	c.cur.Add(-1)
}

func (c *countingHasher) Algorithm() string              { return "counting" }
func (c *countingHasher) Hash(pw string) (string, error) { c.work(); return "counting$" + pw, nil }
func (c *countingHasher) Verify(pw, enc string) (bool, error) {
	c.work()
	return enc == "counting$"+pw, nil
}
func (c *countingHasher) NeedsUpdate(string) bool { return false }

// TestSetBoundsConcurrency is P7: parallel logins queue.
func TestSetBoundsConcurrency(t *testing.T) {
	c := &countingHasher{}
	s := &Set{Preferred: c, MaxConcurrent: 3}
	var wg sync.WaitGroup
	for i := 0; i < 60; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			switch i % 3 {
			case 0:
				s.Hash(context.Background(), "pw")
			case 1:
				s.Verify(context.Background(), "pw", "counting$pw")
			default:
				s.VerifyDummy(context.Background(), "pw")
			}
		}(i)
	}
	wg.Wait()
	if p := c.peak.Load(); p > 3 || p < 1 {
		t.Errorf("peak concurrency %d, want 1..3", p)
	}
}

// TestSetDefaultConcurrencyIsGOMAXPROCS: with MaxConcurrent zero, as many
// hashes run at once as Go runs goroutines (under a container's CPU limit,
// fewer than the machine's CPUs), not more.
func TestSetDefaultConcurrencyIsGOMAXPROCS(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1)) // below NumCPU on any machine with two CPUs
	c := &countingHasher{}
	s := NewSet(c)
	var wg sync.WaitGroup
	for range 40 {
		wg.Go(func() { s.Hash(context.Background(), "pw") })
	}
	wg.Wait()
	if p := c.peak.Load(); p != 1 {
		t.Errorf("peak concurrency %d with GOMAXPROCS 1, want 1", p)
	}
}

func TestVerifyDummyRunsPreferred(t *testing.T) {
	c := &countingHasher{}
	s := NewSet(c)
	s.VerifyDummy(context.Background(), "pw") // one Hash for the dummy, one Verify
	s.VerifyDummy(context.Background(), "pw")
	if got := c.calls.Load(); got != 3 {
		t.Errorf("calls = %d, want 3", got)
	}
	before := c.calls.Load()
	s.Verify(context.Background(), "pw", s.Unusable()) // unusable: dummy run
	if c.calls.Load() != before+1 {
		t.Error("unusable hash did not run the dummy")
	}
}

// blockingHasher's Hash blocks until release is closed, holding the Set's
// computation slot meanwhile.
type blockingHasher struct {
	started chan struct{}
	release chan struct{}
}

func (b *blockingHasher) Algorithm() string { return "blocking" }
func (b *blockingHasher) Hash(pw string) (string, error) {
	b.started <- struct{}{}
	<-b.release
	return "blocking$" + pw, nil
}
func (b *blockingHasher) Verify(pw, enc string) (bool, error) { return enc == "blocking$"+pw, nil }
func (b *blockingHasher) NeedsUpdate(string) bool             { return false }

// TestSetWaitEndsWithContext: while the only slot is held, Hash, Verify and
// VerifyDummy give up when their context is cancelled, before or during the
// wait, and return an error wrapping context.Canceled; a deadline gives
// context.DeadlineExceeded. Once the slot is free, the Set works again.
func TestSetWaitEndsWithContext(t *testing.T) {
	b := &blockingHasher{started: make(chan struct{}), release: make(chan struct{})}
	s := &Set{Preferred: b, MaxConcurrent: 1}
	holder := make(chan error)
	go func() {
		_, err := s.Hash(context.Background(), "holder")
		holder <- err
	}()
	<-b.started

	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	if ok, up, err := s.Verify(cancelled, "pw", "blocking$pw"); ok || up != "" || !errors.Is(err, context.Canceled) {
		t.Errorf("Verify(cancelled) = %v, %q, %v; want false, context.Canceled", ok, up, err)
	}
	if _, err := s.Hash(cancelled, "pw"); !errors.Is(err, context.Canceled) {
		t.Errorf("Hash(cancelled) err = %v", err)
	}
	if err := s.VerifyDummy(cancelled, "pw"); !errors.Is(err, context.Canceled) {
		t.Errorf("VerifyDummy(cancelled) err = %v", err)
	}
	if ok, _, err := s.Verify(cancelled, "pw", "!unusable"); ok || !errors.Is(err, context.Canceled) {
		t.Errorf("Verify(cancelled, unusable) = %v, %v", ok, err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("cancelled calls took %v", d)
	}

	// Cancelled while waiting.
	waiting, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		_, _, err := s.Verify(waiting, "pw", "blocking$pw")
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Verify cancelled while waiting: err = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Verify still waiting after its context was cancelled")
	}

	deadline, cancelDeadline := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancelDeadline()
	if _, _, err := s.Verify(deadline, "pw", "blocking$pw"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Verify past deadline: err = %v", err)
	}

	close(b.release)
	if err := <-holder; err != nil {
		t.Fatal(err)
	}
	if ok, _, err := s.Verify(context.Background(), "pw", "blocking$pw"); !ok || err != nil {
		t.Errorf("Verify after release = %v, %v", ok, err)
	}
}
