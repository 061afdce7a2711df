//go:build !linux

package password

// a2alloc returns n blocks from the heap; only Linux maps them apart.
func a2alloc(n int) ([]a2block, bool) { return make([]a2block, n), false }

// a2free is never called: a2alloc maps nothing here.
func a2free([]a2block) {}
