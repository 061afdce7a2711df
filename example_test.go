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

// Example wires Gatehouse into an app: its pages under /accounts/, and a
// report page that needs a permission.
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
	gh, err := gatehouse.New(gatehouse.Config{Store: db, SecretKey: key})
	if err != nil {
		panic(err)
	}
	reports := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "reports for", gatehouse.UserFrom(r.Context()).Username)
	})
	mux := http.NewServeMux()
	mux.Handle("/accounts/", gh.Handler())
	mux.Handle("/reports/", gh.RequirePermission("reports.view_report")(reports))
	app := gh.Protect(mux)

	// An anonymous visitor is sent to the login page, keeping where they were going.
	rec := httptest.NewRecorder()
	app.ServeHTTP(rec, httptest.NewRequest("GET", "/reports/", nil))
	fmt.Println(rec.Code, rec.Header().Get("Location"))
	// Output: 302 /accounts/login/?next=%2Freports%2F
}
