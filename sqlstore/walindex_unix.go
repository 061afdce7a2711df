//go:build unix

package sqlstore

import (
	"errors"
	"os"
	"sync/atomic"
	"syscall"
	"unsafe"
)

// walIndex is the first page of a SQLite database's WAL-index (its "-shm"
// file), mapped read-only and shared with every process that has the
// database open. Its first 96 bytes are two copies of the WAL-index header
// (https://www.sqlite.org/walformat.html): every commit, by any process,
// rewrites both, with a change counter and the last frame that moved,
// second copy first. Comparing them with an earlier look costs a few
// nanoseconds, against a read transaction (file locks and system calls) for
// PRAGMA data_version.
type walIndex struct {
	mem []byte
}

// walIndexHeaderWords is the size of one copy of the header, in uint32s.
const walIndexHeaderWords = 12

// walIndexSnapshot is one copy of the WAL-index header.
type walIndexSnapshot [walIndexHeaderWords]uint32

// openWALIndex maps the WAL-index of the SQLite file at path. It must be
// called while a connection holds the database open in WAL mode (SQLite
// removes the file when the last connection closes).
func openWALIndex(path string) (*walIndex, error) {
	f, err := os.Open(path + "-shm")
	if err != nil {
		return nil, err
	}
	defer f.Close() // the mapping outlives the descriptor
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := os.Getpagesize()
	if st.Size() < int64(size) {
		return nil, errors.New("WAL-index smaller than a page")
	}
	mem, err := syscall.Mmap(int(f.Fd()), 0, size, syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, err
	}
	return &walIndex{mem: mem}, nil
}

// snapshot returns the header; ok is false when its two copies differ,
// which they do only while a writer is between them.
func (x *walIndex) snapshot() (s walIndexSnapshot, ok bool) {
	words := (*[2 * walIndexHeaderWords]uint32)(unsafe.Pointer(unsafe.SliceData(x.mem)))
	ok = true
	for i := range s {
		s[i] = atomic.LoadUint32(&words[i])
		if atomic.LoadUint32(&words[walIndexHeaderWords+i]) != s[i] {
			ok = false
		}
	}
	return s, ok
}

// close unmaps the page.
func (x *walIndex) close() { _ = syscall.Munmap(x.mem) }
