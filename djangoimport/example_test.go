package djangoimport_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/gatehouse-auth/gatehouse/djangoimport"
	"github.com/gatehouse-auth/gatehouse/sqlstore"
)

// A dump as `manage.py dumpdata auth account socialaccount --natural-foreign`
// writes it (shortened): the import runs in one transaction and reports what
// it did.
func Example() {
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, "sqlite::memory:")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		log.Fatal(err)
	}

	dump := `[
{"model": "auth.permission", "pk": 24, "fields": {"name": "Can change user", "content_type": ["auth", "user"], "codename": "change_user"}},
{"model": "auth.group", "pk": 1, "fields": {"name": "editors", "permissions": [24]}},
{"model": "auth.user", "pk": 1, "fields": {"password": "md5$xk0RJWYGSSN5npWGyMYfJN$5e21c8892771099193dfad411ed8364b",
  "last_login": null, "is_superuser": false, "username": "dave", "first_name": "", "last_name": "",
  "email": "dave@example.net", "is_staff": false, "is_active": true, "date_joined": "2021-03-04T12:30:15.123Z",
  "groups": [1], "user_permissions": []}},
{"model": "account.emailaddress", "pk": 1, "fields": {"user": 1, "email": "dave@example.net", "verified": true, "primary": true}},
{"model": "socialaccount.socialaccount", "pk": 1, "fields": {"user": 1, "provider": "github", "uid": "1", "extra_data": "{}"}}
]`
	report, err := djangoimport.Import(ctx, db, strings.NewReader(dump), djangoimport.Options{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(report)

	// The hash is Django's, unchanged: dave logs in with his old password,
	// or through the same GitHub account.
	dave, _ := db.UserByUsername(ctx, "dave")
	codes, _ := db.UserPermissionCodes(ctx, dave.ID)
	fmt.Println(dave.Password[:4], dave.Email, codes)
	links, _ := db.SocialAccounts(ctx, dave.ID)
	fmt.Println(links[0].Provider, links[0].UID)
	// Output:
	// auth.permission: 1 read, 1 imported, 0 skipped
	// auth.group: 1 read, 1 imported, 0 skipped
	// auth.group_permissions: 1 read, 1 imported, 0 skipped
	// auth.user: 1 read, 1 imported, 0 skipped
	// auth.user_groups: 1 read, 1 imported, 0 skipped
	// auth.user_user_permissions: 0 read, 0 imported, 0 skipped
	// account.emailaddress: 1 read, 1 imported, 0 skipped
	// auth.user.email: 1 read, 0 imported, 1 skipped (exists: 1)
	// socialaccount.socialaccount: 1 read, 1 imported, 0 skipped
	// md5$ dave@example.net [auth.change_user]
	// github 1
}

// A dry run reports what an import would do and writes nothing.
func ExampleImport_dryRun() {
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, "sqlite::memory:")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		log.Fatal(err)
	}
	dump := `[{"model": "auth.group", "fields": {"name": "editors", "permissions": []}}]`
	report, err := djangoimport.Import(ctx, db, strings.NewReader(dump), djangoimport.Options{DryRun: true})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(report)
	groups, _ := db.ListGroups(ctx)
	fmt.Println(len(groups), "groups in the store")
	// Output:
	// dry run: nothing was written; an import would do this:
	// auth.group: 1 read, 1 imported, 0 skipped
	// 0 groups in the store
}
