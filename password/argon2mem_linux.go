package password

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// a2HugePage is the size of a transparent huge page on the platforms Go
// runs Linux on with 4 KiB base pages (amd64, arm64 with 4 KiB granules).
const a2HugePage = 2 << 20

// a2alloc returns n zeroed blocks mapped outside the Go heap, and whether
// it did so (if the system refuses the mapping, they come from the heap).
// Argon2's memory holds no pointers, so the garbage collector has nothing
// to find in it; keeping it off the heap also keeps it out of the
// collector's pacing, which would otherwise let the heap grow by as much
// garbage as the pool holds (GOGC=100 doubles the live heap, and the pool
// would be most of it).
//
// A buffer of a huge page or more starts on a huge-page boundary, and its
// whole huge pages are advised MADV_HUGEPAGE: Argon2 reads a block at a
// random place in its memory for every block it writes, and with 4 KiB
// pages the 19 MiB of a default hash span 4,864 pages, more than a core's
// TLB holds, so most of those reads would also miss the TLB; in huge pages it
// is 9, plus 256 small pages for the last MiB (the buffer is not rounded up
// to a tenth huge page: that would add 1 MiB of resident memory per CPU).
// Where transparent huge pages are off the advice is ignored.
func a2alloc(n int) ([]a2block, bool) {
	size := uintptr(n) * a2BlockBytes
	if size < a2HugePage {
		p, err := unix.MmapPtr(-1, 0, nil, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_ANON|unix.MAP_PRIVATE)
		if err != nil {
			return make([]a2block, n), false
		}
		return unsafe.Slice((*a2block)(p), n), true
	}
	// Map one huge page more than needed, then unmap what lies before the
	// first aligned address and after the buffer (size is a multiple of the
	// 1 KiB block; the kernel rounds the unmapping to its pages).
	p, err := unix.MmapPtr(-1, 0, nil, size+a2HugePage, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_ANON|unix.MAP_PRIVATE)
	if err != nil {
		return make([]a2block, n), false
	}
	head := -uintptr(p) & (a2HugePage - 1)
	if head > 0 {
		_ = unix.MunmapPtr(p, head)
	}
	p = unsafe.Add(p, head)
	mapped := (size + a2PageSize - 1) &^ (a2PageSize - 1)
	_ = unix.MunmapPtr(unsafe.Add(p, mapped), size+a2HugePage-head-mapped)
	_ = unix.Madvise(unsafe.Slice((*byte)(p), size&^(a2HugePage-1)), unix.MADV_HUGEPAGE)
	return unsafe.Slice((*a2block)(p), n), true
}

// a2PageSize is the size of a base page; mappings are made of whole ones.
var a2PageSize = uintptr(unix.Getpagesize())

// a2free unmaps b, which a2alloc mapped and nothing uses any more.
func a2free(b []a2block) {
	_ = unix.MunmapPtr(unsafe.Pointer(unsafe.SliceData(b)), uintptr(cap(b))*a2BlockBytes)
}
