package password

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"
	"unsafe"
)

// TestA2AllocHugePages checks the mapping of a default-cost hash's memory:
// n blocks, no more (no resident memory beyond the hash's), the start
// aligned to a huge page, and the kernel told to back its whole huge pages
// with huge pages (THP-eligible in /proc/self/smaps), so Argon2's random
// block reads stop missing the TLB. Small buffers are mapped as they are.
func TestA2AllocHugePages(t *testing.T) {
	thp, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil || strings.Contains(string(thp), "[never]") {
		t.Skip("transparent huge pages are off on this machine; a2alloc maps 4 KiB pages as before")
	}
	const n = DefaultArgon2Memory // 19456 blocks, 19 MiB
	b, mapped := a2alloc(n)
	if !mapped {
		t.Fatal("a2alloc fell back to the heap")
	}
	defer a2free(b)
	if len(b) != n || cap(b) != n {
		t.Fatalf("len %d cap %d, want %d", len(b), cap(b), n)
	}
	start := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	if start%a2HugePage != 0 {
		t.Fatalf("start %#x is not aligned to a huge page", start)
	}
	for i := range b {
		b[i][0] = uint64(i) // every block writable
	}
	if v := smapsField(t, start, "THPeligible"); v != "1" {
		t.Errorf("THPeligible %q, want 1: the mapping was not advised MADV_HUGEPAGE", v)
	}

	small, mapped := a2alloc(8)
	if !mapped || len(small) != 8 || cap(small) != 8 {
		t.Fatalf("small buffer: mapped %v len %d cap %d", mapped, len(small), cap(small))
	}
	small[7][127] = 1
	a2free(small)
}

// smapsField returns field of the mapping that starts at start in
// /proc/self/smaps.
func smapsField(t *testing.T, start uintptr, field string) string {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	head := fmt.Sprintf("%x-", start)
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if f := strings.Fields(line); len(f) > 0 && !strings.HasSuffix(f[0], ":") {
			in = strings.HasPrefix(line, head) // a mapping's first line: "start-end perms …"
			continue
		}
		if in && strings.HasPrefix(line, field+":") {
			return strings.TrimSpace(strings.TrimPrefix(line, field+":"))
		}
	}
	t.Fatalf("no mapping at %#x with %s in /proc/self/smaps", start, field)
	return ""
}
