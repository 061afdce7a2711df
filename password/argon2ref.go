package password

import (
	"encoding/binary"
	"hash"

	"golang.org/x/crypto/blake2b"
)

// This file is a small portable Argon2 (RFC 9106) used only for the encodings
// golang.org/x/crypto/argon2 cannot compute: version 0x10 hashes (written by
// argon2 libraries before 2016; Django still verifies "argon2$argon2i$m=…"
// without a "v=" field as version 0x10) and the argon2d variant. The
// structure follows golang.org/x/crypto/argon2 (BSD licence, The Go Authors);
// it runs lanes sequentially, which gives the same result because a segment
// never references a block of another lane's current segment. Its output for
// version 0x13 is tested against x/crypto.

const (
	argon2d         = 0
	argon2i         = 1
	argon2id        = 2
	argon2Version10 = 0x10
	argon2Version13 = 0x13
	a2SyncPoints    = 4
)

type a2block [128]uint64

// argon2Ref derives keyLen bytes with the given Argon2 type and version.
// Callers bound time, memory and threads; time and threads must be ≥ 1.
func argon2Ref(mode, version uint32, password, salt []byte, time, memory, threads, keyLen uint32) []byte {
	h0 := a2InitHash(mode, version, password, salt, time, memory, threads, keyLen)
	memory = memory / (a2SyncPoints * threads) * (a2SyncPoints * threads)
	if memory < 2*a2SyncPoints*threads {
		memory = 2 * a2SyncPoints * threads
	}
	B := make([]a2block, memory)
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
	for n := uint32(0); n < time; n++ {
		for slice := uint32(0); slice < a2SyncPoints; slice++ {
			for lane := uint32(0); lane < threads; lane++ {
				a2Segment(B, mode, version, n, slice, lane, time, memory, threads)
			}
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

func a2InitHash(mode, version uint32, password, salt []byte, time, memory, threads, keyLen uint32) [blake2b.Size + 8]byte {
	var h0 [blake2b.Size + 8]byte
	b2, _ := blake2b.New512(nil)
	for _, v := range []uint32{threads, keyLen, memory, time, version, mode} {
		b2.Write(binary.LittleEndian.AppendUint32(nil, v))
	}
	for _, s := range [][]byte{password, salt, nil, nil} { // password, salt, secret, associated data
		b2.Write(binary.LittleEndian.AppendUint32(nil, uint32(len(s))))
		b2.Write(s)
	}
	b2.Sum(h0[:0])
	return h0
}

func a2Segment(B []a2block, mode, version, n, slice, lane, time, memory, threads uint32) {
	laneLen := memory / threads
	segLen := laneLen / a2SyncPoints
	independent := mode == argon2i || (mode == argon2id && n == 0 && slice < a2SyncPoints/2)
	var addresses, in, zero a2block
	if independent {
		in[0], in[1], in[2] = uint64(n), uint64(lane), uint64(slice)
		in[3], in[4], in[5] = uint64(memory), uint64(time), uint64(mode)
	}
	index := uint32(0)
	if n == 0 && slice == 0 {
		index = 2
		if independent {
			in[6]++
			a2Fill(&addresses, &in, &zero, false)
			a2Fill(&addresses, &addresses, &zero, false)
		}
	}
	offset := lane*laneLen + slice*segLen + index
	xor := version == argon2Version13 && n > 0
	for ; index < segLen; index, offset = index+1, offset+1 {
		prev := offset - 1
		if index == 0 && slice == 0 {
			prev += laneLen
		}
		var rnd uint64
		if independent {
			if index%128 == 0 {
				in[6]++
				a2Fill(&addresses, &in, &zero, false)
				a2Fill(&addresses, &addresses, &zero, false)
			}
			rnd = addresses[index%128]
		} else {
			rnd = B[prev][0]
		}
		ref := a2IndexAlpha(rnd, laneLen, segLen, threads, n, slice, lane, index)
		a2Fill(&B[offset], &B[prev], &B[ref], xor)
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
// the previous content of out when xor is set (version 0x13, passes ≥ 1).
func a2Fill(out, x, y *a2block, xor bool) {
	var r, q a2block
	for i := range r {
		r[i] = x[i] ^ y[i]
	}
	q = r
	for i := 0; i < 8; i++ {
		b := 16 * i
		a2Round(&q, [16]int{b, b + 1, b + 2, b + 3, b + 4, b + 5, b + 6, b + 7, b + 8, b + 9, b + 10, b + 11, b + 12, b + 13, b + 14, b + 15})
	}
	for i := 0; i < 8; i++ {
		b := 2 * i
		a2Round(&q, [16]int{b, b + 1, b + 16, b + 17, b + 32, b + 33, b + 48, b + 49, b + 64, b + 65, b + 80, b + 81, b + 96, b + 97, b + 112, b + 113})
	}
	for i := range out {
		if xor {
			out[i] ^= q[i] ^ r[i]
		} else {
			out[i] = q[i] ^ r[i]
		}
	}
}

// a2Round is the BlaMka round P on the 16 words of q selected by idx.
func a2Round(q *a2block, idx [16]int) {
	var v [16]uint64
	for i, j := range idx {
		v[i] = q[j]
	}
	a2G(&v, 0, 4, 8, 12)
	a2G(&v, 1, 5, 9, 13)
	a2G(&v, 2, 6, 10, 14)
	a2G(&v, 3, 7, 11, 15)
	a2G(&v, 0, 5, 10, 15)
	a2G(&v, 1, 6, 11, 12)
	a2G(&v, 2, 7, 8, 13)
	a2G(&v, 3, 4, 9, 14)
	for i, j := range idx {
		q[j] = v[i]
	}
}

func a2G(v *[16]uint64, a, b, c, d int) {
	fbm := func(x, y uint64) uint64 { return x + y + 2*uint64(uint32(x))*uint64(uint32(y)) }
	rotr := func(x uint64, k uint) uint64 { return x>>k | x<<(64-k) }
	v[a] = fbm(v[a], v[b])
	v[d] = rotr(v[d]^v[a], 32)
	v[c] = fbm(v[c], v[d])
	v[b] = rotr(v[b]^v[c], 24)
	v[a] = fbm(v[a], v[b])
	v[d] = rotr(v[d]^v[a], 16)
	v[c] = fbm(v[c], v[d])
	v[b] = rotr(v[b]^v[c], 63)
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
