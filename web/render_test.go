package web

import (
	"fmt"
	"net/http/httptest"
	"testing"
)

// TestStoreAnonymousBoundsQueryPages: anonymous pages for URIs with a query
// are kept up to maxQueryPages; pages without a query are not counted.
func TestStoreAnonymousBoundsQueryPages(t *testing.T) {
	var h Handlers
	for i := 0; i < maxQueryPages+50; i++ {
		uri := fmt.Sprintf("/accounts/login/?next=/p%d/", i)
		h.storeAnonymous("en\x00login\x00"+uri, httptest.NewRequest("GET", uri, nil), []byte("page"))
		h.storeAnonymous("en\x00login\x00"+uri, httptest.NewRequest("GET", uri, nil), []byte("page")) // again: no double count
	}
	h.storeAnonymous("en\x00login\x00/accounts/login/", httptest.NewRequest("GET", "/accounts/login/", nil), []byte("page"))
	n := 0
	h.rendered.Range(func(any, any) bool { n++; return true })
	if n != maxQueryPages+1 || h.queryPages.Load() != maxQueryPages {
		t.Fatalf("kept %d pages, %d with a query; want %d and %d", n, h.queryPages.Load(), maxQueryPages+1, maxQueryPages)
	}
}
