// Command basic is the smallest app built on Gatehouse, the Go twin of the
// Django views it replaces:
//
//	def signup(request): …  UserCreationForm → login → redirect
//	def signin(request): …  authenticate → login → redirect
//	@login_required
//	def secret_page(request): return HttpResponse("secret")
//
// Run it with `go run ./examples/basic` and open http://127.0.0.1:8080/.
// It keeps its users in basic.db (SQLite).
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"html/template"
	"log"
	"net/http"
	"os"

	"github.com/gatehouse-auth/gatehouse"
	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/sqlstore"
)

var page = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><meta charset="utf-8"><title>{{.Title}}</title>
<h1>{{.Title}}</h1>
{{with .Error}}<p role="alert">{{.}}</p>{{end}}
<form method="post">
  <label for="username">Username</label> <input id="username" name="username" required>
  <label for="password">Password</label> <input id="password" name="password" type="password" required>
  <button>{{.Title}}</button>
</form>
<p><a href="/signup">Sign up</a> · <a href="/signin">Sign in</a> · <a href="/secret">Secret page</a></p>
</html>`))

func main() {
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, "sqlite:basic.db")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		log.Fatal(err)
	}
	key := make([]byte, 32)
	rand.Read(key) // sessions die with the process; keep a real key in production
	addr := "127.0.0.1:8080"
	if a := os.Getenv("ADDR"); a != "" {
		addr = a
	}
	gh, err := gatehouse.New(gatehouse.Config{Store: db, SecretKey: key, SiteURL: "http://" + addr, LoginURL: "/signin"})
	if err != nil {
		log.Fatal(err)
	}
	go gh.Run(ctx) // delivers mail (printed to standard error here) and deletes what expired
	mux := http.NewServeMux()
	mux.HandleFunc("/signup", signup(gh))
	mux.HandleFunc("/signin", signin(gh))
	mux.Handle("/secret", gh.RequireLogin(http.HandlerFunc(secretPage)))
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/signin", http.StatusFound) })
	gh.Mount(mux) // Gatehouse's own pages (/accounts/…) and their static files
	log.Printf("listening on http://%s/", addr)
	// Protect adds CSRF checks, body limits, security headers and the user.
	log.Fatal(http.ListenAndServe(addr, gh.Protect(mux)))
}

// signup creates the account and signs the new user in.
func signup(gh *gatehouse.Gatehouse) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		data := map[string]string{"Title": "Sign up"}
		if r.Method == http.MethodPost {
			pw := r.PostFormValue("password")
			l, err := gh.Account().Signup(r.Context(), account.SignupInput{
				Username: r.PostFormValue("username"), Password1: pw, Password2: pw,
			}, account.Client{IP: gh.ClientIP(r), UserAgent: r.UserAgent()})
			if err == nil {
				l.Next = "/secret"
				gh.Login(w, r, l) // a session, or the next stage's page first
				return
			}
			data["Error"] = describe(err)
		}
		page.Execute(w, data)
	}
}

// signin checks the credentials and starts a session.
func signin(gh *gatehouse.Gatehouse) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		data := map[string]string{"Title": "Sign in"}
		if r.Method == http.MethodPost {
			l, err := gh.Authenticate(r.Context(), r.PostFormValue("username"), r.PostFormValue("password"),
				account.Client{IP: gh.ClientIP(r), UserAgent: r.UserAgent()})
			if err == nil {
				l.Next = "/secret"
				gh.Login(w, r, l)
				return
			}
			data["Error"] = describe(err)
		}
		page.Execute(w, data)
	}
}

// secretPage is only reached by signed-in users.
func secretPage(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintf(w, "Hello %s, this is the secret page.\n", gatehouse.CurrentUser(r.Context()).Username)
}

func describe(err error) string {
	if es := account.AsErrors(err); len(es) > 0 {
		return "Please check the form: " + es[0].Code
	}
	return errors.New("something went wrong").Error()
}
