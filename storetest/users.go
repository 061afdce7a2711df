package storetest

import (
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/gatehouse-auth/gatehouse/user"
)

func testUserRoundTrip(t *testing.T, s user.Store) {
	ctx := t.Context()
	u := newUser("Ünïcødé_Юзер-1", "Ünï.Cødé@Exämple.ORG")
	u.FirstName, u.LastName = "Zoë 🦊", "Ñúñez-Łódź"
	u.IsStaff, u.IsSuperuser = true, true
	check(t, s.CreateUser(ctx, u), "CreateUser")

	got, err := s.User(ctx, u.ID)
	check(t, err, "User")
	if d := diffUser(u, got); d != "" {
		t.Errorf("User(%d) differs:%s", u.ID, d)
	}
	if !got.LastLogin.IsZero() {
		t.Errorf("LastLogin = %v, want zero for a user who never logged in", got.LastLogin)
	}
	if got.HasUsablePassword() != u.HasUsablePassword() {
		t.Errorf("HasUsablePassword changed in the round trip")
	}

	for _, name := range []string{u.Username, strings.ToUpper(u.Username), strings.ToLower(u.Username)} {
		got, err := s.UserByUsername(ctx, name)
		if err != nil {
			t.Errorf("UserByUsername(%q): %v", name, err)
		} else if got.ID != u.ID {
			t.Errorf("UserByUsername(%q) = user %d, want %d", name, got.ID, u.ID)
		}
	}
	for _, email := range []string{u.Email, strings.ToLower(u.Email), " " + strings.ToUpper(u.Email) + " "} {
		got, err := s.UserByEmail(ctx, email)
		if err != nil {
			t.Errorf("UserByEmail(%q): %v", email, err)
		} else if d := diffUser(u, got); d != "" {
			t.Errorf("UserByEmail(%q) differs:%s", email, d)
		}
	}

	// A second user gets another id and does not disturb the first.
	v := create(t, s, "second", "")
	if v.ID == u.ID {
		t.Fatalf("two users share id %d", u.ID)
	}
	got, err = s.User(ctx, v.ID)
	check(t, err, "User(second)")
	if d := diffUser(v, got); d != "" {
		t.Errorf("User(second) differs:%s", d)
	}
}

func testUpdateUser(t *testing.T, s user.Store) {
	ctx := t.Context()
	u := create(t, s, "bob", "bob@example.com")
	stored := *u

	u.Username = "Robert"
	u.Email = "robert@example.net"
	u.FirstName, u.LastName = "Robert", "Дроп"
	u.IsActive, u.IsStaff, u.IsSuperuser = false, true, true
	u.LastLogin = base.Add(36*time.Hour + 7*time.Microsecond)
	u.Password = "must-not-be-written"        // UpdateUser leaves Password
	u.DateJoined = base.Add(-100 * time.Hour) // and DateJoined alone
	check(t, s.UpdateUser(ctx, u), "UpdateUser")

	want := *u
	want.Password, want.DateJoined = stored.Password, stored.DateJoined
	got, err := s.User(ctx, u.ID)
	check(t, err, "User")
	if d := diffUser(&want, got); d != "" {
		t.Errorf("after UpdateUser:%s", d)
	}
	if got, err := s.UserByUsername(ctx, "ROBERT"); err != nil || got.ID != u.ID {
		t.Errorf("UserByUsername(new name) = %v, %v", got, err)
	}
	_, err = s.UserByUsername(ctx, "bob")
	wantNotFound(t, err, "UserByUsername(old name)")
	if got, err := s.UserByEmail(ctx, "Robert@Example.NET"); err != nil || got.ID != u.ID {
		t.Errorf("UserByEmail(new email) = %v, %v", got, err)
	}

	check(t, s.SetPassword(ctx, u.ID, "!unusable"), "SetPassword")
	at := base.Add(48*time.Hour + 123*time.Microsecond)
	check(t, s.SetLastLogin(ctx, u.ID, at), "SetLastLogin")
	got, err = s.User(ctx, u.ID)
	check(t, err, "User")
	if got.Password != "!unusable" || got.HasUsablePassword() {
		t.Errorf("Password = %q after SetPassword", got.Password)
	}
	if !got.LastLogin.Equal(at) {
		t.Errorf("LastLogin = %v, want %v", got.LastLogin, at)
	}
	if got.Username != "Robert" || got.IsActive {
		t.Errorf("SetPassword/SetLastLogin changed other fields: %+v", got)
	}
}

func testNotFound(t *testing.T, s user.Store) {
	ctx := t.Context()
	u := create(t, s, "present", "present@example.com")
	missing := u.ID + 1000

	_, err := s.User(ctx, missing)
	wantNotFound(t, err, "User(missing)")
	_, err = s.UserByUsername(ctx, "absent")
	wantNotFound(t, err, "UserByUsername")
	_, err = s.UserByEmail(ctx, "absent@example.com")
	wantNotFound(t, err, "UserByEmail")
	_, err = s.UserByEmail(ctx, "")
	wantNotFound(t, err, `UserByEmail("")`)
	_, err = s.GroupByName(ctx, "absent")
	wantNotFound(t, err, "GroupByName")
	_, err = s.PermissionByCode(ctx, "app", "absent")
	wantNotFound(t, err, "PermissionByCode")

	ghost := newUser("ghost", "")
	ghost.ID = missing
	wantNotFound(t, s.UpdateUser(ctx, ghost), "UpdateUser(missing)")
	wantNotFound(t, s.SetPassword(ctx, missing, "x"), "SetPassword(missing)")
	wantNotFound(t, s.SetLastLogin(ctx, missing, base), "SetLastLogin(missing)")
	if users, err := s.UsersBySkeleton(ctx, user.Skeleton("absent")); err != nil || len(users) != 0 {
		t.Errorf("UsersBySkeleton(absent) = %v, %v; want none", users, err)
	}
	if groups, err := s.UserGroups(ctx, missing); err != nil || len(groups) != 0 {
		t.Errorf("UserGroups(missing) = %v, %v; want none", groups, err)
	}
	if codes, err := s.UserPermissionCodes(ctx, missing); err != nil || len(codes) != 0 {
		t.Errorf("UserPermissionCodes(missing) = %v, %v; want none", codes, err)
	}
}

func testListAndCount(t *testing.T, s user.Store) {
	ctx := t.Context()
	if n, err := s.CountUsers(ctx); err != nil || n != 0 {
		t.Fatalf("CountUsers on an empty store = %d, %v", n, err)
	}
	var ids []int64
	for _, name := range []string{"u1", "u2", "u3", "u4", "u5"} {
		ids = append(ids, create(t, s, name, "").ID)
	}
	n, err := s.CountUsers(ctx)
	check(t, err, "CountUsers")
	if n != int64(len(ids)) {
		t.Errorf("CountUsers = %d, want %d", n, len(ids))
	}
	var seen []int64
	after := int64(0)
	for page := 0; page < 10; page++ {
		users, err := s.ListUsers(ctx, after, 2)
		check(t, err, "ListUsers")
		if len(users) > 2 {
			t.Fatalf("ListUsers(limit 2) returned %d users", len(users))
		}
		if len(users) == 0 {
			break
		}
		for _, u := range users {
			if u.ID <= after {
				t.Errorf("ListUsers(after %d) returned id %d", after, u.ID)
			}
			seen = append(seen, u.ID)
			after = u.ID
		}
	}
	if len(seen) != len(ids) {
		t.Fatalf("paging saw ids %v, want %v", seen, ids)
	}
	for i := range ids {
		if seen[i] != ids[i] {
			t.Errorf("paging saw ids %v, want %v (by id)", seen, ids)
			break
		}
	}
}

func testSkeleton(t *testing.T, s user.Store) {
	ctx := t.Context()
	latin := create(t, s, "paypal", "")
	cyrillic := create(t, s, "pаypаl", "") // Cyrillic а: another username, same skeleton
	create(t, s, "unrelated", "")
	if user.Skeleton(latin.Username) != user.Skeleton(cyrillic.Username) {
		t.Fatalf("test names do not share a skeleton")
	}
	users, err := s.UsersBySkeleton(ctx, user.Skeleton("PAYPAL"))
	check(t, err, "UsersBySkeleton")
	if len(users) != 2 || users[0].ID != latin.ID || users[1].ID != cyrillic.ID {
		t.Errorf("UsersBySkeleton = %v, want users %d and %d by id", users, latin.ID, cyrillic.ID)
	}
}

func testDuplicateUsername(t *testing.T, s user.Store) {
	ctx := t.Context()
	create(t, s, "Straße", "")
	create(t, s, "Bob", "")
	for _, name := range []string{"Straße", "STRASSE", "strasse", "bob", "BOB", "ｂｏｂ", "Ｂob"} {
		err := s.CreateUser(ctx, newUser(name, ""))
		wantDuplicate(t, err, "username", "CreateUser("+name+")")
	}
	// Renaming onto a taken name is refused the same way.
	other := create(t, s, "carol", "")
	other.Username = "BOB"
	wantDuplicate(t, s.UpdateUser(ctx, other), "username", "UpdateUser(carol → BOB)")
	if n, _ := s.CountUsers(ctx); n != 3 {
		t.Errorf("CountUsers = %d after refused duplicates, want 3", n)
	}
}

func testDuplicateEmail(t *testing.T, s user.Store) {
	ctx := t.Context()
	alice := create(t, s, "alice", "Alice@Example.COM")
	check(t, s.AddEmail(ctx, &user.EmailAddress{UserID: alice.ID, Email: "alice@work.example"}), "AddEmail")

	for i, email := range []string{"alice@example.com", "ALICE@EXAMPLE.COM", "Alice@Example.COM", "ALICE@work.EXAMPLE"} {
		err := s.CreateUser(ctx, newUser("user"+strconv.Itoa(i), email))
		wantDuplicate(t, err, "email", "CreateUser(email "+email+")")
	}
	bob := create(t, s, "bob", "bob@example.com")
	err := s.AddEmail(ctx, &user.EmailAddress{UserID: bob.ID, Email: "aLiCe@example.com"})
	wantDuplicate(t, err, "email", "AddEmail(alice's address to bob)")
	err = s.AddEmail(ctx, &user.EmailAddress{UserID: bob.ID, Email: "Alice@Work.Example", Primary: true})
	wantDuplicate(t, err, "email", "AddEmail(alice's second address to bob, primary)")
	bob.Email = "ALICE@example.com"
	wantDuplicate(t, s.UpdateUser(ctx, bob), "email", "UpdateUser(bob takes alice's email)")

	got, err := s.UserByEmail(ctx, "alice@example.com")
	check(t, err, "UserByEmail")
	if got.ID != alice.ID {
		t.Errorf("alice's address now leads to user %d, want %d", got.ID, alice.ID)
	}
	got, err = s.User(ctx, bob.ID)
	check(t, err, "User(bob)")
	if got.Email != "bob@example.com" {
		t.Errorf("bob's email = %q after refused changes", got.Email)
	}
}

// caseVariant spells base with the letters picked by the bits of i in upper
// case, and from 32 on with a fullwidth first letter (NFKC folds it back).
func caseVariant(base string, i int) string {
	r := []rune(base)
	for k := range r {
		if i&(1<<k) != 0 {
			r[k] = unicode.ToUpper(r[k])
		}
	}
	if i >= 32 {
		fw := unicode.ToLower(r[0]) - 'a' + 'ａ'
		if i&1 != 0 {
			fw = unicode.ToUpper(fw)
		}
		r[0] = fw
	}
	return string(r)
}

// race runs n calls of op at once and returns their errors.
func race(n int, op func(i int) error) []error {
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = op(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// wantOneWinner checks that exactly one of errs is nil and the others are
// duplicates of field, and returns the winner's index.
func wantOneWinner(t *testing.T, errs []error, field string) int {
	t.Helper()
	winner := -1
	for i, err := range errs {
		var dup *user.DuplicateError
		switch {
		case err == nil && winner >= 0:
			t.Errorf("calls %d and %d both succeeded", winner, i)
		case err == nil:
			winner = i
		case !errors.As(err, &dup) || dup.Field != field:
			t.Errorf("call %d: %v, want a duplicate %s", i, err, field)
		}
	}
	if winner < 0 {
		t.Fatalf("no call succeeded")
	}
	return winner
}

func testConcurrentUsername(t *testing.T, s user.Store) {
	ctx := t.Context()
	const n = 50
	users := make([]*user.User, n)
	for i := range users {
		users[i] = newUser(caseVariant("racecondition", i), "")
	}
	errs := race(n, func(i int) error { return s.CreateUser(ctx, users[i]) })
	w := wantOneWinner(t, errs, "username")
	if c, err := s.CountUsers(ctx); err != nil || c != 1 {
		t.Errorf("CountUsers = %d, %v; want 1", c, err)
	}
	got, err := s.UserByUsername(ctx, "RaceCondition")
	check(t, err, "UserByUsername")
	if got.ID != users[w].ID || got.Username != users[w].Username {
		t.Errorf("stored user %d %q, want the winner %d %q", got.ID, got.Username, users[w].ID, users[w].Username)
	}
}

func testConcurrentEmail(t *testing.T, s user.Store) {
	ctx := t.Context()
	const n = 50
	users := make([]*user.User, n)
	for i := range users {
		users[i] = newUser("signup"+strings.Repeat("x", i), caseVariant("shared", i)+"@Example.com")
	}
	errs := race(n, func(i int) error { return s.CreateUser(ctx, users[i]) })
	w := wantOneWinner(t, errs, "email")
	if c, err := s.CountUsers(ctx); err != nil || c != 1 {
		t.Errorf("CountUsers = %d, %v; want 1", c, err)
	}
	got, err := s.UserByEmail(ctx, "SHARED@example.com")
	check(t, err, "UserByEmail")
	if got.ID != users[w].ID {
		t.Errorf("email leads to user %d, want the winner %d", got.ID, users[w].ID)
	}
	emails, err := s.Emails(ctx, users[w].ID)
	check(t, err, "Emails")
	if len(emails) != 1 {
		t.Errorf("winner has %d email rows, want 1", len(emails))
	}
}
