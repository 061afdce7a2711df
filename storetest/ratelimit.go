package storetest

import (
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/ratelimit"
)

type limitTest = storeTest[ratelimit.Store]

var limitTests = []limitTest{
	{"HitAndCount", testHitCount},
	{"Window", testWindow},
	{"Reset", testReset},
	{"ConcurrentHits", testConcurrentHits},
	{"WindowEnd", testWindowEnd},
	{"DeleteExpired", testDeleteExpiredLimits},
	{"Release", testRelease},
	{"ConcurrentRelease", testConcurrentRelease},
}

func hit(t *testing.T, s ratelimit.Store, key string, window time.Duration, now time.Time, want int64) {
	t.Helper()
	c, err := s.Hit(t.Context(), key, window, now)
	check(t, err, "Hit("+key+")")
	if got := c.Count; got != want {
		t.Errorf("Hit(%s, %v) = %d, want %d", key, now.Sub(base), got, want)
	}
}

func count(t *testing.T, s ratelimit.Store, key string, now time.Time, want int64) {
	t.Helper()
	c, err := s.Count(t.Context(), key, now)
	check(t, err, "Count("+key+")")
	if got := c.Count; got != want {
		t.Errorf("Count(%s, %v) = %d, want %d", key, now.Sub(base), got, want)
	}
}

func testHitCount(t *testing.T, s ratelimit.Store) {
	count(t, s, "login:alice", base, 0)
	for i := int64(1); i <= 3; i++ {
		hit(t, s, "login:alice", time.Minute, base.Add(time.Duration(i)*time.Second), i)
	}
	count(t, s, "login:alice", base.Add(30*time.Second), 3)
	count(t, s, "login:bob", base.Add(30*time.Second), 0)
	hit(t, s, "login:bob", time.Minute, base.Add(30*time.Second), 1)
	count(t, s, "login:alice", base.Add(30*time.Second), 3)
	count(t, s, "login:bob", base.Add(30*time.Second), 1)
	// Keys are exact: no case folding, no prefix matching.
	count(t, s, "login:Alice", base.Add(30*time.Second), 0)
	count(t, s, "login:", base.Add(30*time.Second), 0)
}

func testWindow(t *testing.T, s ratelimit.Store) {
	const key = "ip:192.0.2.1"
	hit(t, s, key, time.Minute, base, 1)
	hit(t, s, key, time.Minute, base.Add(50*time.Second), 2) // does not extend the window
	count(t, s, key, base.Add(time.Minute-time.Microsecond), 2)
	count(t, s, key, base.Add(time.Minute), 0) // the window has ended
	count(t, s, key, base.Add(61*time.Second), 0)

	// A hit after the end restarts at 1 with a new window from that hit.
	restart := base.Add(90 * time.Second)
	hit(t, s, key, time.Minute, restart, 1)
	hit(t, s, key, time.Minute, restart.Add(59*time.Second), 2)
	count(t, s, key, restart.Add(time.Minute-time.Microsecond), 2)
	count(t, s, key, restart.Add(time.Minute), 0)
	hit(t, s, key, time.Minute, restart.Add(time.Minute), 1)

	// Each key keeps its own window length.
	hit(t, s, "long", time.Hour, base, 1)
	count(t, s, "long", base.Add(59*time.Minute), 1)
	count(t, s, "long", base.Add(time.Hour), 0)
}

// testWindowEnd: Hit and Count report when the window ends (the first hit
// plus the window, not moved by later hits), so a refusal can say how long
// to wait; an ended window reports none.
func testWindowEnd(t *testing.T, s ratelimit.Store) {
	const key = "login_failed:user:7"
	end := base.Add(5 * time.Minute)
	for i, at := range []time.Time{base, base.Add(time.Minute), base.Add(4 * time.Minute)} {
		c, err := s.Hit(t.Context(), key, 5*time.Minute, at)
		check(t, err, "Hit")
		if !c.Ends.Equal(end) {
			t.Fatalf("hit %d: window ends %v, want %v", i+1, c.Ends, end)
		}
	}
	c, err := s.Count(t.Context(), key, base.Add(2*time.Minute))
	check(t, err, "Count")
	if c.Count != 3 || !c.Ends.Equal(end) {
		t.Fatalf("Count = %+v, want 3 ending %v", c, end)
	}
	if got := c.RetryAfter(base.Add(2 * time.Minute)); got != 3*time.Minute {
		t.Fatalf("RetryAfter two minutes in = %v, want 3m", got)
	}
	c, err = s.Count(t.Context(), key, end)
	check(t, err, "Count after the end")
	if c.Count != 0 || !c.Ends.IsZero() {
		t.Fatalf("Count after the window = %+v, want the zero Counter", c)
	}
}

// testDeleteExpiredLimits removes ended windows only.
func testDeleteExpiredLimits(t *testing.T, s ratelimit.Store) {
	hit(t, s, "short", time.Minute, base, 1)
	hit(t, s, "long", time.Hour, base, 1)
	n, err := s.DeleteExpiredLimits(t.Context(), base.Add(2*time.Minute))
	check(t, err, "DeleteExpiredLimits")
	if n != 1 {
		t.Fatalf("DeleteExpiredLimits removed %d, want 1", n)
	}
	count(t, s, "long", base.Add(2*time.Minute), 1)
	hit(t, s, "short", time.Minute, base.Add(2*time.Minute), 1)
}

func testReset(t *testing.T, s ratelimit.Store) {
	for i := int64(1); i <= 5; i++ {
		hit(t, s, "a", time.Hour, base, i)
	}
	hit(t, s, "b", time.Hour, base, 1)
	check(t, s.Reset(t.Context(), "a"), "Reset")
	count(t, s, "a", base, 0)
	count(t, s, "b", base, 1)
	hit(t, s, "a", time.Hour, base, 1)
	check(t, s.Reset(t.Context(), "never-hit"), "Reset(unknown)")
}

// testConcurrentHits is SECURITY.md L1: 50 parallel failures count 50.
func testConcurrentHits(t *testing.T, s ratelimit.Store) {
	const n = 50
	got := make([]int64, n)
	errs := race(n, func(i int) error {
		c, err := s.Hit(t.Context(), "login:target", time.Hour, base)
		got[i] = c.Count
		return err
	})
	for i, err := range errs {
		check(t, err, "concurrent Hit "+strconv.Itoa(i))
	}
	slices.Sort(got)
	for i, v := range got {
		if v != int64(i+1) {
			t.Fatalf("concurrent Hit results = %v, want each of 1..%d once", got, n)
		}
	}
	count(t, s, "login:target", base.Add(time.Minute), n)
}

// testRelease: Release takes one back within the window, never below zero,
// without moving the window's end; after the end, or on a key never hit,
// it changes nothing.
func testRelease(t *testing.T, s ratelimit.Store) {
	const key = "login_failed:key:5m:abc"
	end := base.Add(5 * time.Minute)
	for i := int64(1); i <= 3; i++ {
		hit(t, s, key, 5*time.Minute, base, i)
	}
	check(t, s.Release(t.Context(), key, base.Add(time.Minute)), "Release")
	count(t, s, key, base.Add(time.Minute), 2)
	c, err := s.Hit(t.Context(), key, 5*time.Minute, base.Add(2*time.Minute))
	check(t, err, "Hit after Release")
	if c.Count != 3 || !c.Ends.Equal(end) {
		t.Fatalf("Hit after Release = %+v, want 3 ending %v", c, end)
	}
	for range 5 {
		check(t, s.Release(t.Context(), key, base.Add(2*time.Minute)), "Release")
	}
	count(t, s, key, base.Add(2*time.Minute), 0)
	hit(t, s, key, 5*time.Minute, base.Add(3*time.Minute), 1)
	c, err = s.Count(t.Context(), key, base.Add(3*time.Minute))
	check(t, err, "Count")
	if !c.Ends.Equal(end) {
		t.Fatalf("window ends %v after releases, want %v", c.Ends, end)
	}

	// An ended window has nothing to give back: the next hit starts at 1.
	hit(t, s, "ended", time.Minute, base, 1)
	hit(t, s, "ended", time.Minute, base, 2)
	check(t, s.Release(t.Context(), "ended", base.Add(time.Minute)), "Release after the end")
	hit(t, s, "ended", time.Minute, base.Add(time.Minute), 1)
	hit(t, s, "ended", time.Minute, base.Add(time.Minute), 2)

	// A key never hit stays without a counter; other keys are untouched.
	hit(t, s, "other", time.Hour, base, 1)
	check(t, s.Release(t.Context(), "never-hit", base), "Release(unknown)")
	count(t, s, "never-hit", base, 0)
	hit(t, s, "never-hit", time.Hour, base, 1)
	count(t, s, "other", base, 1)
}

// testConcurrentRelease: 50 hits and 20 releases at once leave exactly 30
// (each release runs after a hit of its own, so none finds zero).
func testConcurrentRelease(t *testing.T, s ratelimit.Store) {
	const n, back = 50, 20
	errs := race(n, func(i int) error {
		if _, err := s.Hit(t.Context(), "login:target", time.Hour, base); err != nil {
			return err
		}
		if i < back {
			return s.Release(t.Context(), "login:target", base)
		}
		return nil
	})
	for i, err := range errs {
		check(t, err, "concurrent Hit and Release "+strconv.Itoa(i))
	}
	count(t, s, "login:target", base.Add(time.Minute), n-back)
}
