package password

import (
	"runtime"
	"sync"
)

// a2PoolMaxBytes bounds the memory a2memory keeps between hashes. It holds
// one default argon2id hash (19 MiB) per CPU with room for a raised cost;
// the memory of larger hashes (Django 3.2 wrote m=102400, 100 MiB) is left
// to the garbage collector after use.
const a2PoolMaxBytes = 256 << 20

// a2memory is the memory of the Argon2 hashes of this process.
var a2memory = newA2Pool(runtime.NumCPU(), a2PoolMaxBytes)

// a2Pool keeps the block memory of finished Argon2 hashes for the next
// ones: at most max buffers of at most maxBytes in all. Hashing is
// CPU-bound and Set runs at most one hash per CPU, so a server at full load
// reuses the same few buffers forever, instead of allocating 19 MiB per
// login that the runtime must zero, collect and return to the system.
// A buffer is not cleared between hashes: Argon2 writes every block of its
// first pass before reading it, and the memory never leaves the process.
type a2Pool struct {
	mu       sync.Mutex
	free     [][]a2block
	max      int
	maxBytes int
	bytes    int // held in free
}

func newA2Pool(max, maxBytes int) *a2Pool {
	return &a2Pool{max: max, maxBytes: maxBytes}
}

// get returns n blocks: a free buffer of exactly n, else one of the smallest
// larger capacity, else a new one.
func (p *a2Pool) get(n int) []a2block {
	p.mu.Lock()
	best := -1
	for i, b := range p.free {
		if cap(b) >= n && (best < 0 || cap(b) < cap(p.free[best])) {
			best = i
			if cap(b) == n {
				break
			}
		}
	}
	if best >= 0 {
		b := p.free[best]
		last := len(p.free) - 1
		p.free[best] = p.free[last]
		p.free[last] = nil
		p.free = p.free[:last]
		p.bytes -= cap(b) * a2BlockBytes
		p.mu.Unlock()
		return b[:n]
	}
	p.mu.Unlock()
	return make([]a2block, n)
}

// put returns b to the pool if it fits within the pool's bounds; if the
// pool is full, b replaces the smallest held buffer when it is larger, so
// the pool converges on the size in use.
func (p *a2Pool) put(b []a2block) {
	size := cap(b) * a2BlockBytes
	if size > p.maxBytes {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for len(p.free) > 0 && (len(p.free) >= p.max || p.bytes+size > p.maxBytes) {
		small := 0
		for i, f := range p.free {
			if cap(f) < cap(p.free[small]) {
				small = i
			}
		}
		if cap(p.free[small]) >= cap(b) {
			return
		}
		p.bytes -= cap(p.free[small]) * a2BlockBytes
		last := len(p.free) - 1
		p.free[small] = p.free[last]
		p.free[last] = nil
		p.free = p.free[:last]
	}
	p.free = append(p.free, b[:cap(b)])
	p.bytes += size
}

// a2BlockBytes is the size of one Argon2 block.
const a2BlockBytes = 1024
