package sqlstore_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/gatehouse-auth/gatehouse/sqlstore"
	"github.com/gatehouse-auth/gatehouse/user"
)

func Example() {
	ctx := context.Background()
	// "sqlite:/var/lib/gatehouse/gatehouse.db" or "postgres://…" in production.
	db, err := sqlstore.Open(ctx, "sqlite::memory:")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		log.Fatal(err)
	}

	// A user, a group and a permission, written together or not at all.
	err = db.Atomic(ctx, func(s user.Store) error {
		u := &user.User{Username: "Ada", Email: "ada@example.com", IsActive: true, DateJoined: time.Now()}
		if err := s.CreateUser(ctx, u); err != nil {
			return err
		}
		g := &user.Group{Name: "editors"}
		if err := s.CreateGroup(ctx, g); err != nil {
			return err
		}
		p := &user.Permission{AppLabel: "blog", Codename: "publish", Name: "Can publish"}
		if err := s.CreatePermission(ctx, p); err != nil {
			return err
		}
		if err := s.GrantGroupPermission(ctx, g.ID, p.ID); err != nil {
			return err
		}
		return s.AddUserToGroup(ctx, u.ID, g.ID)
	})
	if err != nil {
		log.Fatal(err)
	}

	u, err := db.UserByEmail(ctx, "ADA@example.com")
	if err != nil {
		log.Fatal(err)
	}
	codes, err := db.UserPermissionCodes(ctx, u.ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(u.Username, codes)

	// Usernames are unique in their canonical form.
	err = db.CreateUser(ctx, &user.User{Username: "ADA", DateJoined: time.Now()})
	fmt.Println(err)
	// Output:
	// Ada [blog.publish]
	// user: duplicate username
}
