package password

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// a2HugePage is the size of a transparent huge page on the platforms Go
// runs Linux on with 4 KiB base pages (amd64, arm64 with 4 KiB granules).
const a2HugePage = 2 << 20

// a2alloc returns at least n zeroed blocks mapped outside the Go heap, and
// whether it did so (if the system refuses the mapping, they come from the
// heap). Argon2's memory holds no pointers, so the garbage collector has
// nothing to find in it; keeping it off the heap also keeps it out of the
// collector's pacing, which would otherwise let the heap grow by as much
// garbage as the pool holds (GOGC=100 doubles the live heap, and the pool
// would be most of it).
//
// A buffer of a huge page or more is rounded up to whole huge pages,
// aligned to one and advised MADV_HUGEPAGE (the slice's capacity covers
// the rounding). Argon2 reads a block at a random place in its memory for
// every block it writes: with 4 KiB pages the 19 MiB of a default hash
// span 4,864 pages, more than a core's TLB holds, so most of those reads
// also miss the TLB; in 2 MiB pages it is 10. Where transparent huge pages
// are off the advice is ignored and the buffer works as before.
func a2alloc(n int) ([]a2block, bool) {
	size := uintptr(n) * a2BlockBytes
	if size < a2HugePage {
		p, err := unix.MmapPtr(-1, 0, nil, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_ANON|unix.MAP_PRIVATE)
		if err != nil {
			return make([]a2block, n), false
		}
		return unsafe.Slice((*a2block)(p), n), true
	}
	size = (size + a2HugePage - 1) &^ (a2HugePage - 1)
	// Map one huge page more than needed, then unmap what lies before the
	// first aligned address and after the buffer.
	p, err := unix.MmapPtr(-1, 0, nil, size+a2HugePage, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_ANON|unix.MAP_PRIVATE)
	if err != nil {
		return make([]a2block, n), false
	}
	head := -uintptr(p) & (a2HugePage - 1)
	if head > 0 {
		_ = unix.MunmapPtr(p, head)
	}
	_ = unix.MunmapPtr(unsafe.Add(p, head+size), a2HugePage-head)
	p = unsafe.Add(p, head)
	_ = unix.Madvise(unsafe.Slice((*byte)(p), size), unix.MADV_HUGEPAGE)
	return unsafe.Slice((*a2block)(p), size/a2BlockBytes)[:n], true
}

// a2free unmaps b, which a2alloc mapped and nothing uses any more.
func a2free(b []a2block) {
	_ = unix.MunmapPtr(unsafe.Pointer(unsafe.SliceData(b)), uintptr(cap(b))*a2BlockBytes)
}
