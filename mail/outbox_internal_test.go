package mail

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// TestBackoff checks the waits: 30 s doubling to the one-hour cap, each
// drawn between half and all of it, and spread over that range.
func TestBackoff(t *testing.T) {
	o := &Outbox{}
	for _, tc := range []struct {
		attempts int
		want     time.Duration
	}{
		{0, 30 * time.Second}, {1, 30 * time.Second}, {2, time.Minute}, {3, 2 * time.Minute},
		{7, 32 * time.Minute}, {8, time.Hour}, {9, time.Hour}, {64, time.Hour}, {1 << 30, time.Hour},
	} {
		lo, hi := tc.want, time.Duration(0)
		for range 200 {
			d := o.backoff(tc.attempts)
			lo, hi = min(lo, d), max(hi, d)
		}
		if lo < tc.want/2 || hi > tc.want {
			t.Errorf("backoff(%d) ranged over [%v, %v], want within [%v, %v]", tc.attempts, lo, hi, tc.want/2, tc.want)
		}
		if hi-lo < tc.want/4 {
			t.Errorf("backoff(%d) ranged over [%v, %v]: too little jitter", tc.attempts, lo, hi)
		}
	}
	o = &Outbox{RetryBase: time.Second, RetryMax: 10 * time.Second}
	if d := o.backoff(3); d < 2*time.Second || d > 4*time.Second {
		t.Errorf("backoff(3) with a base of 1 s = %v, want 2 to 4 s", d)
	}
	if d := o.backoff(10); d < 5*time.Second || d > 10*time.Second {
		t.Errorf("backoff(10) with a cap of 10 s = %v, want 5 to 10 s", d)
	}
}

// TestLastError keeps errors to one line of bounded, valid UTF-8.
func TestLastError(t *testing.T) {
	if got := lastError(errors.New("mail: smtp x:25:\n  450 try\tlater")); got != "mail: smtp x:25: 450 try later" {
		t.Errorf("lastError = %q", got)
	}
	long := lastError(errors.New(strings.Repeat("я", 1000)))
	if len(long) > maxLastErrorBytes || !utf8.ValidString(long) || !strings.HasSuffix(long, "…") {
		t.Errorf("lastError of 2000 bytes = %d bytes, valid %v", len(long), utf8.ValidString(long))
	}
}
