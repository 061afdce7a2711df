package sqlstore_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/mail"
	"github.com/gatehouse-auth/gatehouse/sqlstore"
	"github.com/gatehouse-auth/gatehouse/user"
)

// A signup writes the user and queues their mail in one transaction; an
// Outbox delivers what was committed.
func ExampleDB_Enqueue() {
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, "sqlite::memory:")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		log.Fatal(err)
	}
	var out bytes.Buffer
	outbox := &mail.Outbox{Store: db, Mailer: &mail.Console{W: &out, From: "noreply@example.com"}}
	db.OnEnqueue(outbox.Wake) // with outbox.Run going, a committed message goes out at once

	err = db.Atomic(ctx, func(s user.Store) error {
		u := &user.User{Username: "ada", Email: "ada@example.com", IsActive: true, DateJoined: time.Now()}
		if err := s.CreateUser(ctx, u); err != nil {
			return err
		}
		return s.(mail.Queue).Enqueue(ctx, &mail.Message{To: []string{u.Email}, Subject: "Welcome", Text: "Hello, ada."})
	})
	if err != nil {
		log.Fatal(err)
	}

	n, err := outbox.Deliver(ctx)
	fmt.Println(n, err, strings.Contains(out.String(), "Subject: Welcome"))
	// Output: 1 <nil> true
}
