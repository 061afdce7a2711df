package password

import (
	"runtime"
	"sync/atomic"
	"testing"
)

// TestArgon2YieldsProcessor checks that a hash lets waiting goroutines run
// while it computes: on a single P, a goroutine that counts its turns (and
// so is always waiting for one) gets one at every a2YieldBlocks blocks, 32
// in a default hash, where the runtime's own preemption, every 10 ms, would
// give it one or two. A server whose every P hashes during a burst of
// logins still answers its other requests.
func TestArgon2YieldsProcessor(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	var done atomic.Bool
	turns := make(chan int)
	go func() {
		n := 0
		for !done.Load() {
			n++
			runtime.Gosched()
		}
		turns <- n
	}()
	runtime.Gosched() // let the counter start
	argon2Key(argon2id, argon2Version13, []byte("password"), []byte("0123456789abcdef"),
		DefaultArgon2Time, DefaultArgon2Memory, DefaultArgon2Threads, argon2KeyLen)
	done.Store(true)
	if n := <-turns; n < 16 {
		t.Errorf("another goroutine ran %d times during a hash, want at least 16", n)
	}
}
