package password

import (
	"math/rand/v2"
	"runtime"
	"testing"
	"time"
)

func TestA2PoolBounds(t *testing.T) {
	p := newA2Pool(2, 100*a2BlockBytes, 60*a2BlockBytes)
	a, b, c := p.get(30), p.get(40), p.get(50)
	p.put(a)
	p.put(b)
	p.put(c) // the pool is full: c (50) replaces a (30), which is freed
	if len(p.free) != 2 || p.bytes != 90*a2BlockBytes {
		t.Fatalf("pool holds %d buffers, %d bytes; want 2 buffers, 90 blocks", len(p.free), p.bytes)
	}
	p.put(p.get(200)) // over maxBytes: freed
	p.put(p.get(70))  // over the per-buffer bound: freed
	if p.bytes != 90*a2BlockBytes {
		t.Fatalf("pool kept a buffer over its bounds: %d bytes", p.bytes)
	}
	p.put(p.get(20)) // smaller than all it holds: freed
	if len(p.free) != 2 || p.bytes != 90*a2BlockBytes {
		t.Fatalf("pool holds %d buffers, %d bytes after a small put; want 2, 90 blocks", len(p.free), p.bytes)
	}
	d := p.get(35)
	if cap(d.blocks) != 40 || len(d.blocks) != 35 {
		t.Errorf("get(35) = len %d cap %d, want the smallest that fits (40) cut to 35", len(d.blocks), cap(d.blocks))
	}
	d.blocks[34][127] = 7 // the memory is usable
	if e := p.get(45); cap(e.blocks) != 50 {
		t.Errorf("get(45) reused a buffer of %d blocks, want 50", cap(e.blocks))
	}
	if f := p.get(10); cap(f.blocks) != 10 {
		t.Errorf("get from an empty pool = cap %d, want a new buffer of 10", cap(f.blocks))
	}
}

// TestA2PoolReleasesIdleBuffers: buffers no hash has used for the idle
// time are freed; a pool in use keeps them.
func TestA2PoolReleasesIdleBuffers(t *testing.T) {
	p := newA2Pool(2, 100*a2BlockBytes, 100*a2BlockBytes)
	p.idle = 50 * time.Millisecond
	p.put(p.get(30))
	for i := 0; i < 4; i++ { // in use: kept
		time.Sleep(20 * time.Millisecond)
		p.put(p.get(30))
	}
	p.mu.Lock()
	held := len(p.free)
	p.mu.Unlock()
	if held != 1 {
		t.Fatalf("a pool in use holds %d buffers, want 1", held)
	}
	deadline := time.Now().Add(2 * time.Second)
	for {
		p.mu.Lock()
		held, bytes := len(p.free), p.bytes
		p.mu.Unlock()
		if held == 0 && bytes == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("an idle pool still holds %d buffers (%d bytes)", held, bytes)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if b := p.get(30); cap(b.blocks) != 30 { // still works after a release
		t.Fatalf("get after release = cap %d", cap(b.blocks))
	}
}

// TestArgon2HashMakesNoGarbage checks what the pool is for: after the first
// hash, hashing with the default cost allocates a few hundred bytes, not
// argon2's 19 MiB.
func TestArgon2HashMakesNoGarbage(t *testing.T) {
	h := Argon2Hasher{}
	if _, err := h.Hash("warm up the pool"); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range 3 {
		if _, err := h.Hash("correct horse battery staple"); err != nil {
			t.Fatal(err)
		}
	}
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > 64<<10 {
		t.Errorf("3 argon2id hashes allocated %d bytes; the pool should make that a few KiB", got)
	}
}

// TestA2FillAVX2MatchesGeneric checks the assembly compression function
// against the portable one on random blocks, with and without XOR, and
// with out aliasing x as address generation does.
func TestA2FillAVX2MatchesGeneric(t *testing.T) {
	if !a2HasAVX2 {
		t.Skip("no AVX2 on this CPU (or the purego tag): only the portable compression function runs here")
	}
	r := rand.New(rand.NewPCG(3, 4))
	random := func() *a2block {
		var b a2block
		for i := range b {
			b[i] = r.Uint64()
		}
		return &b
	}
	var tmp a2block
	for i := 0; i < 200; i++ {
		x, y, out := random(), random(), random()
		xor := i%2 == 1
		want, got := *out, *out
		a2FillGeneric(&want, x, y, &tmp, xor)
		a2fillAVX2(&got, x, y, &tmp, xor)
		if got != want {
			t.Fatalf("block %d (xor %v): AVX2 and portable G differ", i, xor)
		}
		alias := *x
		a2fillAVX2(&alias, &alias, y, &tmp, xor)
		want = *x
		a2FillGeneric(&want, x, y, &tmp, xor)
		if alias != want {
			t.Fatalf("block %d (xor %v): AVX2 G with out = x differs", i, xor)
		}
	}
}
