package account_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/password"
	"github.com/gatehouse-auth/gatehouse/sqlstore"
)

// Example drives the flows directly, without HTTP: a signup, then a login
// and its completion (the adapter then starts a session).
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "gh-example")
	defer os.RemoveAll(dir)
	db, _ := sqlstore.Open(ctx, "sqlite:"+filepath.Join(dir, "app.db"))
	defer db.Close()
	db.Migrate(ctx)

	s := &account.Service{Users: db, Sessions: db, Limits: db, Flows: db, Passwords: password.DefaultSet()}
	c := account.Client{IP: "192.0.2.1"}
	_, err := s.Signup(ctx, account.SignupInput{Username: "ann", Password1: "1234", Password2: "1234"}, c)
	for _, e := range account.AsErrors(err) {
		fmt.Println(e.Field, e.Code)
	}
	s.Signup(ctx, account.SignupInput{Username: "ann", Password1: "a long passphrase", Password2: "a long passphrase"}, c)
	l, err := s.Login(ctx, account.LoginInput{Login: "ANN", Password: "a long passphrase"}, c)
	if err != nil {
		panic(err)
	}
	// No stage is pending (no address to verify): the login completes.
	u, err := s.CompleteLogin(ctx, l, c)
	fmt.Println(u.Username, err)
	// Output:
	// password1 password_too_short
	// password1 password_too_common
	// password1 password_entirely_numeric
	// ann <nil>
}
