//go:build !amd64 || purego

package password

// a2HasAVX2 is false: there is no assembly for this architecture (or the
// purego build tag asks for none).
const a2HasAVX2 = false

// a2fillAVX2 is never called where a2HasAVX2 is false.
func a2fillAVX2(out, x, y, tmp *a2block, xor bool) { a2FillGeneric(out, x, y, tmp, xor) }
