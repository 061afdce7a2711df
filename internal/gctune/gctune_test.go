package gctune

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func TestPercent(t *testing.T) {
	const mib = 1 << 20
	for _, c := range []struct {
		live, floor uint64
		base, want  int
	}{
		{8 * mib, 32 * mib, 100, 300},  // next cycle at 32 MiB
		{16 * mib, 32 * mib, 100, 100}, // doubling reaches the floor
		{64 * mib, 32 * mib, 100, 100}, // over the floor: base pacing
		{20 * mib, 32 * mib, 100, 100}, // 20 MiB doubled is past 32
		{8 * mib, 32 * mib, 400, 400},  // a higher base wins
		{2 * mib, 32 * mib, 100, 800},  // capped: 4 MiB × 8 = 32 MiB minimum
		{1024, 32 * mib, 100, 800},
		{0, 32 * mib, 100, 800}, // not measured yet
		{4 * mib, 0, 100, 100},  // no floor
	} {
		if got := Percent(c.live, c.floor, c.base); got != c.want {
			t.Errorf("Percent(%d, %d, %d) = %d, want %d", c.live, c.floor, c.base, got, c.want)
		}
	}
}

// TestTunerFollowsCollections starts a Tuner on this small test heap,
// checks that it raised the percent, that collections keep it applied, and
// that Stop restores the base.
func TestTunerFollowsCollections(t *testing.T) {
	old := debug.SetGCPercent(100)
	defer debug.SetGCPercent(old)
	tu := Start(64<<20, 100)
	if p := tu.Percent(); p <= 100 || p > 1600 {
		t.Fatalf("with a 64 MiB floor over a small heap, percent = %d, want over 100 and at most 1600", p)
	}
	debug.SetGCPercent(100) // someone else resets it; the next cycle's adjustment restores it
	tu.mu.Lock()
	tu.percent = 100
	tu.mu.Unlock()
	deadline := time.Now().Add(5 * time.Second)
	for tu.Percent() == 100 {
		runtime.GC()
		if time.Now().After(deadline) {
			t.Fatal("no adjustment after collections")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got := debug.SetGCPercent(-1); got != tu.Percent() {
		t.Errorf("runtime GC percent = %d, tuner says %d", got, tu.Percent())
	}
	debug.SetGCPercent(tu.Percent())
	tu.Stop()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("after Stop the GC percent is %d, want the base 100", got)
	}
}
