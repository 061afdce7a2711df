package password

import (
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
	enc, err := s.Hash(p)
	if err != nil || !strings.HasPrefix(enc, "argon2$argon2id$") {
		t.Fatalf("Hash = %q, %v", enc, err)
	}
	if ok, up, err := s.Verify(p, enc); !ok || up != "" || err != nil {
		t.Fatalf("Verify = %v, %q, %v", ok, up, err)
	}
	// P4: no truncation, case folding or trimming.
	for _, w := range []string{p[:72] + "x", p[:72], strings.ToUpper(p), strings.ToLower(p), p + " ", " " + p, strings.TrimSpace(p + " ")[1:]} {
		if ok, _, err := s.Verify(w, enc); ok || err != nil {
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
		enc, err := s.Hash(tc.set)
		if err != nil {
			t.Fatal(err)
		}
		if ok, _, err := s.Verify(tc.login, enc); !ok || err != nil {
			t.Errorf("Hash(%q) then Verify(%q) = %v, %v", tc.set, tc.login, ok, err)
		}
		if ok, _, _ := s.Verify(tc.set, enc); !ok {
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
	if _, err := s.Hash(huge); !errors.Is(err, ErrTooLong) {
		t.Errorf("Hash(1 MiB) err = %v", err)
	}
	if ok, _, err := s.Verify(huge, enc); ok || !errors.Is(err, ErrTooLong) {
		t.Errorf("Verify(1 MiB) = %v, %v", ok, err)
	}
	s.VerifyDummy(huge)
	if d := time.Since(start); d > 50*time.Millisecond {
		t.Errorf("1 MiB password took %v", d)
	}
	if _, err := cheapSet().Hash(strings.Repeat("a", MaxLength)); err != nil {
		t.Errorf("Hash(MaxLength bytes) = %v", err)
	}
	if _, err := s.Hash(strings.Repeat("a", MaxLength+1)); !errors.Is(err, ErrTooLong) {
		t.Errorf("Hash(MaxLength+1) = %v", err)
	}
	// NFKC can expand: U+FDFA becomes 18 code points.
	if _, err := s.Hash(strings.Repeat("\ufdfa", 300)); !errors.Is(err, ErrTooLong) {
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
		if ok, up, err := s.Verify("", enc); ok || up != "" || err != nil {
			t.Errorf("Verify(\"\", %q) = %v, %q, %v", enc, ok, up, err)
		}
		if ok, _, err := s.Verify(enc, enc); ok || err != nil {
			t.Errorf("Verify(%q, itself) = %v, %v", enc, ok, err)
		}
		if got := s.Algorithm(enc); got != "unusable" {
			t.Errorf("Algorithm(%q) = %q", enc, got)
		}
	}
}

func TestSetUnknownAndIdentify(t *testing.T) {
	s := cheapSet()
	if ok, _, err := s.Verify("pw", "crypt$$ab1234567890"); ok || !errors.Is(err, ErrUnknownAlgorithm) {
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
	if ok, _, err := only.Verify("pw", md5); ok || !errors.Is(err, ErrUnknownAlgorithm) {
		t.Errorf("argon2-only set Verify(md5) = %v, %v", ok, err)
	}
	if _, err := (&Set{}).Hash("pw"); !errors.Is(err, ErrNoHasher) {
		t.Errorf("empty Set Hash err = %v", err)
	}
}

func TestSetUpgradeWeakArgon2(t *testing.T) {
	s := NewSet(Argon2Hasher{Memory: 512, Time: 2})
	weak, _ := Argon2Hasher{Memory: 256, Time: 1}.Hash("pw")
	ok, up, err := s.Verify("pw", weak)
	if !ok || err != nil || !strings.HasPrefix(up, "argon2$argon2id$v=19$m=512,t=2,p=1$") {
		t.Fatalf("Verify(weak) = %v, %q, %v", ok, up, err)
	}
	if ok, _, _ := s.Verify("wrong", weak); ok {
		t.Error("wrong password verified")
	}
	if _, up, _ := s.Verify("wrong", weak); up != "" {
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
				s.Hash("pw")
			case 1:
				s.Verify("pw", "counting$pw")
			default:
				s.VerifyDummy("pw")
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
		wg.Go(func() { s.Hash("pw") })
	}
	wg.Wait()
	if p := c.peak.Load(); p != 1 {
		t.Errorf("peak concurrency %d with GOMAXPROCS 1, want 1", p)
	}
}

func TestVerifyDummyRunsPreferred(t *testing.T) {
	c := &countingHasher{}
	s := NewSet(c)
	s.VerifyDummy("pw") // one Hash for the dummy, one Verify
	s.VerifyDummy("pw")
	if got := c.calls.Load(); got != 3 {
		t.Errorf("calls = %d, want 3", got)
	}
	before := c.calls.Load()
	s.Verify("pw", s.Unusable()) // unusable: dummy run
	if c.calls.Load() != before+1 {
		t.Error("unusable hash did not run the dummy")
	}
}
