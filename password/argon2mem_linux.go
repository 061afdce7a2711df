package password

import (
	"syscall"
	"unsafe"
)

// a2alloc returns n zeroed blocks mapped outside the Go heap, and whether
// it did so (if the system refuses the mapping, they come from the heap).
// Argon2's memory holds no pointers, so the garbage collector has nothing
// to find in it; keeping it off the heap also keeps it out of the
// collector's pacing, which would otherwise let the heap grow by as much
// garbage as the pool holds (GOGC=100 doubles the live heap, and the pool
// would be most of it).
func a2alloc(n int) ([]a2block, bool) {
	b, err := syscall.Mmap(-1, 0, n*a2BlockBytes, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return make([]a2block, n), false
	}
	return unsafe.Slice((*a2block)(unsafe.Pointer(unsafe.SliceData(b))), n), true
}

// a2free unmaps b, which a2alloc mapped and nothing uses any more.
func a2free(b []a2block) {
	b = b[:cap(b)]
	_ = syscall.Munmap(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(b))), len(b)*a2BlockBytes))
}
