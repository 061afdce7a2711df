package session_test

import (
	"fmt"

	"github.com/gatehouse-auth/gatehouse/session"
)

// ExampleNewToken: the browser holds the token; the store only its hash.
func ExampleNewToken() {
	token, id := session.NewToken()
	fmt.Println(len(token), len(id), session.HashToken(token) == id, session.ValidToken(token))
	// Output: 43 64 true true
}
