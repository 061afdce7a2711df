package password

import (
	"runtime"
	"sync"
	"time"
)

// a2PoolMaxBytes bounds the memory a2memory keeps between hashes, and
// a2PoolMaxBuffer each buffer it keeps: one default argon2id hash (19 MiB)
// per CPU fits with room for a raised cost, while the memory of larger
// hashes (Django 3.2 wrote m=102400, 100 MiB, for users imported once and
// upgraded at their first login) goes back to the system after use.
const (
	a2PoolMaxBytes  = 256 << 20
	a2PoolMaxBuffer = 64 << 20
)

// a2BlockBytes is the size of one Argon2 block.
const a2BlockBytes = 1024

// a2IdleRelease is how long the pool keeps buffers that no hash has used:
// a server that stops hashing gives the memory back (19 MiB per CPU at the
// default cost), at the price of one page-faulting hash when logins resume.
const a2IdleRelease = time.Minute

// a2memory is the memory of the Argon2 hashes of this process.
var a2memory = newA2Pool(runtime.NumCPU(), a2PoolMaxBytes, a2PoolMaxBuffer)

// a2buf is the memory of one Argon2 hash: blocks, and whether a2alloc
// mapped them outside the heap (then they are unmapped when dropped).
type a2buf struct {
	blocks []a2block
	mapped bool
}

// a2Pool keeps the block memory of finished Argon2 hashes for the next
// ones: at most max buffers of at most maxBytes in all. Hashing is
// CPU-bound and Set runs at most one hash per CPU, so a server at full load
// reuses the same few buffers forever, instead of allocating 19 MiB per
// login that the runtime must zero, collect and return to the system.
// A buffer is not cleared between hashes: Argon2 writes every block of its
// first pass before reading it, and the memory never leaves the process.
type a2Pool struct {
	mu       sync.Mutex
	free     []a2buf
	max      int // buffers
	maxBytes int // in all
	maxBuf   int // per buffer
	bytes    int // held in free
	idle     time.Duration
	lastPut  time.Time
	sweeper  *time.Timer // pending release of idle buffers, nil if none
}

func newA2Pool(max, maxBytes, maxBuf int) *a2Pool {
	return &a2Pool{max: max, maxBytes: maxBytes, maxBuf: maxBuf, idle: a2IdleRelease}
}

// get returns a buffer of n blocks: a free one of exactly n, else one of
// the smallest larger capacity, else a new one.
func (p *a2Pool) get(n int) a2buf {
	p.mu.Lock()
	best := -1
	for i, b := range p.free {
		if c := cap(b.blocks); c >= n && (best < 0 || c < cap(p.free[best].blocks)) {
			best = i
			if c == n {
				break
			}
		}
	}
	if best < 0 {
		p.mu.Unlock()
		blocks, mapped := a2alloc(n)
		return a2buf{blocks, mapped}
	}
	b := p.take(best)
	p.mu.Unlock()
	b.blocks = b.blocks[:n]
	return b
}

// take removes and returns free buffer i; p.mu is held.
func (p *a2Pool) take(i int) a2buf {
	b := p.free[i]
	last := len(p.free) - 1
	p.free[i] = p.free[last]
	p.free[last] = a2buf{}
	p.free = p.free[:last]
	p.bytes -= cap(b.blocks) * a2BlockBytes
	return b
}

// put returns b to the pool if it fits within the pool's bounds; if the
// pool is full, b replaces the smallest held buffer when it is larger, so
// the pool converges on the size in use. What the pool does not keep is
// freed.
func (p *a2Pool) put(b a2buf) {
	b.blocks = b.blocks[:cap(b.blocks)]
	if drop := p.keep(b); drop.mapped {
		a2free(drop.blocks)
	}
}

// keep adds b to the pool and returns the buffer that no longer fits:
// b itself, an evicted one, or none.
func (p *a2Pool) keep(b a2buf) a2buf {
	size := cap(b.blocks) * a2BlockBytes
	if size > p.maxBytes || size > p.maxBuf {
		return b
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lastPut = time.Now()
	if p.sweeper == nil && p.idle > 0 {
		p.sweeper = time.AfterFunc(p.idle, p.sweep)
	}
	if len(p.free) >= p.max || p.bytes+size > p.maxBytes {
		small := -1
		for i, f := range p.free {
			if small < 0 || cap(f.blocks) < cap(p.free[small].blocks) {
				small = i
			}
		}
		if small < 0 || cap(p.free[small].blocks) >= cap(b.blocks) {
			return b
		}
		evicted := p.take(small)
		if p.bytes+size > p.maxBytes {
			p.free = append(p.free, evicted)
			p.bytes += cap(evicted.blocks) * a2BlockBytes
			return b
		}
		p.free = append(p.free, b)
		p.bytes += size
		return evicted
	}
	p.free = append(p.free, b)
	p.bytes += size
	return a2buf{}
}

// sweep frees the pool's buffers once no hash has returned one for p.idle,
// and otherwise looks again when that will be the case.
func (p *a2Pool) sweep() {
	p.mu.Lock()
	if wait := p.idle - time.Since(p.lastPut); wait > 0 {
		p.sweeper.Reset(wait)
		p.mu.Unlock()
		return
	}
	p.sweeper = nil
	drop := p.free
	p.free, p.bytes = nil, 0
	p.mu.Unlock()
	for _, b := range drop {
		if b.mapped {
			a2free(b.blocks)
		}
	}
}
