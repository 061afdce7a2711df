// Package gctune keeps Go's garbage collector from running more often than
// a server needs. With a small live heap (an authentication server's is a
// few MiB) the default pacing, GOGC=100, collects each time the heap
// doubles: at thousands of requests per second that is dozens of cycles a
// second, each with its fixed costs and with mark assists landing on
// requests. A heap floor lets garbage build up to a size the operator
// accepts before a cycle, and leaves the default proportional pacing alone
// once the live heap is large enough to reach the floor by itself. Unlike a
// memory limit with GOGC=off, it cannot make the collector run constantly
// when the live heap grows past the floor.
package gctune

import (
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"sync/atomic"
)

// liveHeap is the runtime metric of the heap the last cycle marked live.
const liveHeap = "/gc/heap/live:bytes"

// Percent returns the GC percent that makes the next cycle start when the
// heap reaches floor bytes, or base when live bytes of live heap already
// reach that with base (floor ≤ live × (1 + base/100)).
//
// The runtime also never starts a cycle below its heap minimum, 4 MiB ×
// percent/100, so the percent is capped where that minimum would pass the
// floor: a small or not yet measured live heap must not stretch the first
// cycle past the floor.
func Percent(live, floor uint64, base int) int {
	limit := float64(floor) / heapMinimum * 100
	p := limit
	if live > 0 {
		p = math.Min((float64(floor)/float64(live)-1)*100, limit)
	}
	if p <= float64(base) {
		return base
	}
	return int(p)
}

// heapMinimum is the runtime's heap minimum at GOGC=100 (defaultHeapMinimum
// in runtime/mgcpacer.go).
const heapMinimum = 4 << 20

// Tuner sets the GC percent after every collection so that the next one
// starts at the floor, or at the base pacing where that is later.
type Tuner struct {
	floor   uint64
	base    int
	stopped atomic.Bool
	mu      sync.Mutex
	percent int
	sample  []metrics.Sample
}

// Start makes a Tuner with a heap floor of floor bytes over base (the GC
// percent to use when the live heap is large; a negative base is taken as
// 100), applies it now and after every collection until Stop.
func Start(floor uint64, base int) *Tuner {
	if base < 0 {
		base = 100
	}
	t := &Tuner{floor: floor, base: base, percent: -2,
		sample: []metrics.Sample{{Name: liveHeap}}}
	t.adjust()
	t.arm()
	return t
}

// Stop stops adjusting and restores the base percent.
func (t *Tuner) Stop() {
	if t.stopped.Swap(true) {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	debug.SetGCPercent(t.base)
	t.percent = t.base
}

// Percent returns the GC percent the Tuner set last.
func (t *Tuner) Percent() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.percent
}

// arm sets a finalizer on a fresh object: it runs after the collection that
// finds the object unreachable, that is after each cycle.
func (t *Tuner) arm() {
	sentinel := new([16]byte)
	runtime.SetFinalizer(sentinel, func(*[16]byte) {
		if t.stopped.Load() {
			return
		}
		t.adjust()
		t.arm()
	})
}

// adjust reads the live heap and sets the percent for the next cycle.
func (t *Tuner) adjust() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped.Load() {
		return
	}
	metrics.Read(t.sample)
	var live uint64
	if t.sample[0].Value.Kind() == metrics.KindUint64 {
		live = t.sample[0].Value.Uint64()
	}
	p := Percent(live, t.floor, t.base)
	if p != t.percent {
		debug.SetGCPercent(p)
		t.percent = p
	}
}
