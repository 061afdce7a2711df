package gatehouse_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"

	"github.com/gatehouse-auth/gatehouse"
	"github.com/gatehouse-auth/gatehouse/sqlstore"
)

// Example wires Gatehouse into an app: its pages mounted beside the app's,
// and a report page that needs a permission.
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "gh")
	defer os.RemoveAll(dir)
	db, err := sqlstore.Open(ctx, "sqlite:"+filepath.Join(dir, "app.db"))
	if err != nil {
		panic(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		panic(err)
	}
	key := make([]byte, 32)
	rand.Read(key)
	gh, err := gatehouse.New(gatehouse.Config{Store: db, SecretKey: key, SiteURL: "https://app.example"})
	if err != nil {
		panic(err)
	}
	reports := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "reports for", gatehouse.CurrentUser(r.Context()).Username)
	})
	mux := http.NewServeMux()
	gh.Mount(mux)
	mux.Handle("/reports/", gh.RequirePermission("reports.view_report")(reports))
	app := gh.Protect(mux)

	// An anonymous visitor is sent to the login page, keeping where they were going.
	rec := httptest.NewRecorder()
	app.ServeHTTP(rec, httptest.NewRequest("GET", "/reports/", nil))
	fmt.Println(rec.Code, rec.Header().Get("Location"))
	// A script asking for JSON gets 401 instead.
	rec = httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/reports/", nil)
	req.Header.Set("Accept", "application/json")
	app.ServeHTTP(rec, req)
	fmt.Println(rec.Code, rec.Body.String())
	// Output:
	// 302 /accounts/login/?next=%2Freports%2F
	// 401 {"status":401,"errors":[{"code":"not_authenticated","message":"Authentication is required."}]}
}
