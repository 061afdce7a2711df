package password

import (
	"encoding/binary"
	"hash"
	"runtime"
	"runtime/metrics"
	"sync"

	"golang.org/x/crypto/blake2b"
)

// This file is Gatehouse's Argon2 (RFC 9106): all three types (argon2d,
// argon2i, argon2id) and both versions (0x13, and 0x10 as argon2 libraries
// wrote before 2016; Django still verifies "argon2$argon2i$m=…" without a
// "v=" field as version 0x10). Unlike golang.org/x/crypto/argon2, which
// allocates (and the runtime zeroes) the whole memory of every hash, it
// fills blocks from a small pool (argon2pool.go), so a server hashing
// continuously keeps a fixed footprint and makes no garbage. Lanes of one
// slice run in parallel. Its segment walk and reference-index computation
// follow golang.org/x/crypto/argon2 (BSD licence, The Go Authors). Its
// output is tested against x/crypto (a differential fuzz test), the test
// vectors of RFC 9106 and of the reference implementation, and hashes made
// by Django.
//
//go:generate go run gen_blamka.go

const (
	argon2d         = 0
	argon2i         = 1
	argon2id        = 2
	argon2Version10 = 0x10
	argon2Version13 = 0x13
	a2SyncPoints    = 4
)

type a2block [128]uint64

// argon2Key derives keyLen bytes with the given Argon2 type and version,
// without a secret key or associated data, as password hashes use it.
// Callers bound time, memory and threads; time and threads must be ≥ 1.
func argon2Key(mode, version uint32, password, salt []byte, time, memory, threads, keyLen uint32) []byte {
	return argon2KeyFull(mode, version, password, salt, nil, nil, time, memory, threads, keyLen)
}

// argon2KeyFull is argon2Key with RFC 9106's optional inputs: the secret
// key K and the associated data X. Only tests pass them, to check the
// RFC's test vectors, which use both.
func argon2KeyFull(mode, version uint32, password, salt, secret, data []byte, time, memory, threads, keyLen uint32) []byte {
	h0 := a2InitHash(mode, version, password, salt, secret, data, time, memory, threads, keyLen)
	memory = memory / (a2SyncPoints * threads) * (a2SyncPoints * threads)
	if memory < 2*a2SyncPoints*threads {
		memory = 2 * a2SyncPoints * threads
	}
	mem := a2memory.get(int(memory))
	defer a2memory.put(mem)
	B := mem.blocks
	laneLen := memory / threads
	var buf [1024]byte
	for lane := uint32(0); lane < threads; lane++ {
		binary.LittleEndian.PutUint32(h0[blake2b.Size+4:], lane)
		for i := uint32(0); i < 2; i++ {
			binary.LittleEndian.PutUint32(h0[blake2b.Size:], i)
			a2Hash(buf[:], h0[:])
			for k := range B[lane*laneLen+i] {
				B[lane*laneLen+i][k] = binary.LittleEndian.Uint64(buf[k*8:])
			}
		}
	}
	var wg sync.WaitGroup
	for n := uint32(0); n < time; n++ {
		for slice := uint32(0); slice < a2SyncPoints; slice++ {
			// A segment reads only blocks outside the other lanes' current
			// segments, so the lanes of a slice may run at once.
			for lane := uint32(1); lane < threads; lane++ {
				wg.Go(func() { a2Segment(B, mode, version, n, slice, lane, time, memory, threads) })
			}
			a2Segment(B, mode, version, n, slice, 0, time, memory, threads)
			wg.Wait()
		}
	}
	last := B[memory-1]
	for lane := uint32(0); lane < threads-1; lane++ {
		for i, v := range B[lane*laneLen+laneLen-1] {
			last[i] ^= v
		}
	}
	for i, v := range last {
		binary.LittleEndian.PutUint64(buf[i*8:], v)
	}
	key := make([]byte, keyLen)
	a2Hash(key, buf[:])
	return key
}

// a2InitHash returns H0 (RFC 9106 §3.2) followed by eight bytes that
// argon2KeyFull fills with a block index and a lane before hashing it into
// a lane's first two blocks.
func a2InitHash(mode, version uint32, password, salt, secret, data []byte, time, memory, threads, keyLen uint32) [blake2b.Size + 8]byte {
	var h0 [blake2b.Size + 8]byte
	b2, _ := blake2b.New512(nil)
	for _, v := range []uint32{threads, keyLen, memory, time, version, mode} {
		b2.Write(binary.LittleEndian.AppendUint32(nil, v))
	}
	for _, s := range [][]byte{password, salt, secret, data} {
		b2.Write(binary.LittleEndian.AppendUint32(nil, uint32(len(s))))
		b2.Write(s)
	}
	b2.Sum(h0[:0])
	return h0
}

// a2YieldBlocks is how often, in blocks, a2Segment offers its processor to
// goroutines waiting for one (runtime.Gosched): about every 0.3 ms of work
// with AVX2. Without it, a goroutine that hashes holds its P until the
// runtime preempts it, 10 ms on: with every P hashing, as at a burst of
// logins, each request of any other kind would wait that long for a turn.
// The offer is made only when a goroutine is waiting: Gosched would
// otherwise wake an idle P's thread, which often takes the hash to another
// core and its cold caches, slowing hashes down when nothing else runs.
const a2YieldBlocks = 1024

// a2OthersWaiting reports whether goroutines are waiting for a processor;
// s is the caller's sample buffer (runtime/metrics reads take 60 ns). A
// runtime without the metric counts as waiting: the offer is cheap.
func a2OthersWaiting(s []metrics.Sample) bool {
	metrics.Read(s)
	return s[0].Value.Kind() != metrics.KindUint64 || s[0].Value.Uint64() > 0
}

func a2Segment(B []a2block, mode, version, n, slice, lane, time, memory, threads uint32) {
	laneLen := memory / threads
	segLen := laneLen / a2SyncPoints
	independent := mode == argon2i || (mode == argon2id && n == 0 && slice < a2SyncPoints/2)
	var addresses, in, zero, tmp a2block
	if independent {
		in[0], in[1], in[2] = uint64(n), uint64(lane), uint64(slice)
		in[3], in[4], in[5] = uint64(memory), uint64(time), uint64(mode)
	}
	index := uint32(0)
	if n == 0 && slice == 0 {
		index = 2
		if independent {
			in[6]++
			a2Fill(&addresses, &in, &zero, &tmp, false)
			a2Fill(&addresses, &addresses, &zero, &tmp, false)
		}
	}
	offset := lane*laneLen + slice*segLen + index
	xor := version == argon2Version13 && n > 0
	runnable := []metrics.Sample{{Name: "/sched/goroutines/runnable:goroutines"}}
	for ; index < segLen; index, offset = index+1, offset+1 {
		prev := offset - 1
		if index == 0 && slice == 0 {
			prev += laneLen
		}
		var rnd uint64
		if independent {
			if index%128 == 0 {
				in[6]++
				a2Fill(&addresses, &in, &zero, &tmp, false)
				a2Fill(&addresses, &addresses, &zero, &tmp, false)
			}
			rnd = addresses[index%128]
		} else {
			rnd = B[prev][0]
		}
		ref := a2IndexAlpha(rnd, laneLen, segLen, threads, n, slice, lane, index)
		a2Fill(&B[offset], &B[prev], &B[ref], &tmp, xor)
		if index%a2YieldBlocks == a2YieldBlocks-1 && a2OthersWaiting(runnable) {
			runtime.Gosched()
		}
	}
}

func a2IndexAlpha(rnd uint64, laneLen, segLen, threads, n, slice, lane, index uint32) uint32 {
	refLane := uint32(rnd>>32) % threads
	if n == 0 && slice == 0 {
		refLane = lane
	}
	m, s := 3*segLen, ((slice+1)%a2SyncPoints)*segLen
	if lane == refLane {
		m += index
	}
	if n == 0 {
		m, s = slice*segLen, 0
		if slice == 0 || lane == refLane {
			m += index
		}
	}
	if index == 0 || lane == refLane {
		m--
	}
	p := rnd & 0xFFFFFFFF
	p = (p * p) >> 32
	p = (p * uint64(m)) >> 32
	return refLane*laneLen + uint32((uint64(s)+uint64(m)-(p+1))%uint64(laneLen))
}

// a2Fill computes the compression function G(x, y) into out, XORing into
// the previous content of out when xor is set (version 0x13, passes ≥ 1),
// with tmp as scratch. out may be x.
func a2Fill(out, x, y, tmp *a2block, xor bool) {
	if a2HasAVX2 {
		a2fillAVX2(out, x, y, tmp, xor)
		return
	}
	a2FillGeneric(out, x, y, tmp, xor)
}

// a2permute applies Argon2's permutation P to the 8×8 matrix of 16-byte
// registers in q: a BlaMka round on each row (sixteen consecutive words),
// then on each column (two words from each row).
func a2permute(q *a2block) {
	for i := 0; i < 128; i += 16 {
		a2blamka(&q[i], &q[i+1], &q[i+2], &q[i+3], &q[i+4], &q[i+5], &q[i+6], &q[i+7],
			&q[i+8], &q[i+9], &q[i+10], &q[i+11], &q[i+12], &q[i+13], &q[i+14], &q[i+15])
	}
	for i := 0; i < 16; i += 2 {
		a2blamka(&q[i], &q[i+1], &q[i+16], &q[i+17], &q[i+32], &q[i+33], &q[i+48], &q[i+49],
			&q[i+64], &q[i+65], &q[i+80], &q[i+81], &q[i+96], &q[i+97], &q[i+112], &q[i+113])
	}
}

// a2FillGeneric is a2Fill in portable Go.
func a2FillGeneric(out, x, y, tmp *a2block, xor bool) {
	for i := range tmp {
		tmp[i] = x[i] ^ y[i]
	}
	a2permute(tmp)
	if xor {
		for i := range out {
			out[i] ^= tmp[i] ^ x[i] ^ y[i]
		}
	} else {
		for i := range out {
			out[i] = tmp[i] ^ x[i] ^ y[i]
		}
	}
}

// a2Hash is Argon2's variable-length hash H' (RFC 9106 §3.3).
func a2Hash(out, in []byte) {
	var b2 hash.Hash
	if n := len(out); n < blake2b.Size {
		b2, _ = blake2b.New(n, nil)
	} else {
		b2, _ = blake2b.New512(nil)
	}
	var buffer [blake2b.Size]byte
	binary.LittleEndian.PutUint32(buffer[:4], uint32(len(out)))
	b2.Write(buffer[:4])
	b2.Write(in)
	if len(out) <= blake2b.Size {
		b2.Sum(out[:0])
		return
	}
	outLen := len(out)
	b2.Sum(buffer[:0])
	b2.Reset()
	copy(out, buffer[:32])
	out = out[32:]
	for len(out) > blake2b.Size {
		b2.Write(buffer[:])
		b2.Sum(buffer[:0])
		copy(out, buffer[:32])
		out = out[32:]
		b2.Reset()
	}
	if outLen%blake2b.Size > 0 {
		r := ((outLen + 31) / 32) - 2
		b2, _ = blake2b.New(outLen-32*r, nil)
	}
	b2.Write(buffer[:])
	b2.Sum(out[:0])
}
