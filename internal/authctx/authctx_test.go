package authctx

import (
	"fmt"
	"testing"

	"github.com/gatehouse-auth/gatehouse/user"
)

// TestPageBudget: Memos sharing a budget keep pages until it is spent, then
// keep no more; a Memo without a budget is bounded by its page count only.
func TestPageBudget(t *testing.T) {
	b := NewPageBudget(10_000)
	page := make([]byte, 3000)
	kept := 0
	for i := 0; i < 5; i++ {
		m := new(Memo)
		m.UseBudget(b)
		st := NewState(&user.User{ID: int64(i)}, nil, Loaders{}, m)
		st.StorePage("dashboard", page)
		if _, ok := st.Page("dashboard"); ok {
			kept++
		}
	}
	if kept != 3 || b.Used() != 9000 {
		t.Fatalf("kept %d pages using %d bytes, want 3 pages and 9000 bytes of a 10000-byte budget", kept, b.Used())
	}
	st := NewState(&user.User{ID: 9}, nil, Loaders{}, new(Memo))
	for i := 0; i < maxMemoPages+5; i++ {
		st.StorePage(fmt.Sprint("p", i), page)
	}
	if _, ok := st.Page(fmt.Sprint("p", maxMemoPages+1)); ok {
		t.Fatalf("a memo kept more than %d pages", maxMemoPages)
	}
	if _, ok := st.Page("p0"); !ok {
		t.Fatal("a memo without a budget kept no page")
	}
}
