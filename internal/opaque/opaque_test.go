package opaque

import "testing"

// TestTokens: tokens are distinct, valid, and stored only as their hash.
func TestTokens(t *testing.T) {
	a, ida := New()
	b, idb := New()
	if a == b || ida == idb {
		t.Fatal("two tokens alike")
	}
	if !Valid(a) || Hash(a) != ida || ida == a || len(ida) != 64 {
		t.Fatalf("token %q id %q", a, ida)
	}
	for _, bad := range []string{"", a[:42], a + "A", a[:42] + "!", a[:42] + "/"} {
		if Valid(bad) {
			t.Errorf("Valid(%q)", bad)
		}
	}
}
