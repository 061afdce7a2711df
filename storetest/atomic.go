package storetest

import (
	"errors"
	"testing"

	"github.com/gatehouse-auth/gatehouse/user"
)

func testEmails(t *testing.T, s user.Store) {
	ctx := t.Context()
	u := create(t, s, "mailer", "First@Example.com")
	emails, err := s.Emails(ctx, u.ID)
	check(t, err, "Emails")
	if len(emails) != 1 {
		t.Fatalf("CreateUser with an email made %d EmailAddress rows, want 1", len(emails))
	}
	if e := emails[0]; e.Email != "First@Example.com" || !e.Primary || e.Verified || e.UserID != u.ID || e.ID == 0 {
		t.Errorf("CreateUser's EmailAddress = %+v, want primary, unverified, as typed", e)
	}

	second := &user.EmailAddress{UserID: u.ID, Email: "Second@Example.com", Verified: true}
	check(t, s.AddEmail(ctx, second), "AddEmail(second)")
	if second.ID == 0 || second.ID == emails[0].ID {
		t.Errorf("AddEmail set ID %d", second.ID)
	}
	emails, err = s.Emails(ctx, u.ID)
	check(t, err, "Emails")
	if len(emails) != 2 || emails[0].Email != "First@Example.com" || !emails[0].Primary ||
		emails[1].Email != "Second@Example.com" || emails[1].Primary || !emails[1].Verified {
		t.Errorf("Emails = %v, want the primary first, then the verified second", emailList(emails))
	}
	if got, err := s.UserByEmail(ctx, "SECOND@example.COM"); err != nil || got.ID != u.ID {
		t.Errorf("UserByEmail(secondary address) = %v, %v", got, err)
	}

	third := &user.EmailAddress{UserID: u.ID, Email: "Third@Example.com", Primary: true}
	check(t, s.AddEmail(ctx, third), "AddEmail(third, primary)")
	emails, err = s.Emails(ctx, u.ID)
	check(t, err, "Emails")
	primaries := 0
	for _, e := range emails {
		if e.Primary {
			primaries++
		}
	}
	if len(emails) != 3 || emails[0].ID != third.ID || !emails[0].Primary || primaries != 1 {
		t.Errorf("Emails = %v, want Third first and the only primary", emailList(emails))
	}
	got, err := s.User(ctx, u.ID)
	check(t, err, "User")
	if got.Email != "Third@Example.com" {
		t.Errorf("users.email = %q, want it to follow the new primary", got.Email)
	}
	for _, addr := range []string{"first@example.com", "second@example.com", "third@example.com"} {
		if got, err := s.UserByEmail(ctx, addr); err != nil || got.ID != u.ID {
			t.Errorf("UserByEmail(%s) = %v, %v", addr, got, err)
		}
	}

	plain := create(t, s, "noemail", "")
	if emails, err := s.Emails(ctx, plain.ID); err != nil || len(emails) != 0 {
		t.Errorf("Emails(user without email) = %v, %v; want none", emailList(emails), err)
	}
	if err := s.AddEmail(ctx, &user.EmailAddress{UserID: plain.ID + 1000, Email: "nobody@example.com"}); err == nil {
		t.Errorf("AddEmail(unknown user) succeeded")
	}
}

func emailList(es []*user.EmailAddress) []user.EmailAddress {
	var out []user.EmailAddress
	for _, e := range es {
		out = append(out, *e)
	}
	return out
}

var errAbort = errors.New("storetest: abort")

// writeMany makes one of every kind of row through s, named by suffix.
func writeMany(t *testing.T, s user.Store, suffix string) error {
	ctx := t.Context()
	u := newUser("atomic"+suffix, "atomic"+suffix+"@example.com")
	if err := s.CreateUser(ctx, u); err != nil {
		return err
	}
	g := &user.Group{Name: "group" + suffix}
	if err := s.CreateGroup(ctx, g); err != nil {
		return err
	}
	p := &user.Permission{AppLabel: "app", Codename: "perm" + suffix}
	if err := s.CreatePermission(ctx, p); err != nil {
		return err
	}
	for _, err := range []error{
		s.AddUserToGroup(ctx, u.ID, g.ID),
		s.GrantGroupPermission(ctx, g.ID, p.ID),
		s.GrantUserPermission(ctx, u.ID, p.ID),
		s.AddEmail(ctx, &user.EmailAddress{UserID: u.ID, Email: "other" + suffix + "@example.com"}),
	} {
		if err != nil {
			return err
		}
	}
	// The transaction sees its own writes.
	codes, err := s.UserPermissionCodes(ctx, u.ID)
	if err != nil {
		return err
	}
	if len(codes) != 1 || codes[0] != p.String() {
		t.Errorf("inside the transaction UserPermissionCodes = %v, want [%s]", codes, p)
	}
	if got, err := s.UserByEmail(ctx, "other"+suffix+"@example.com"); err != nil || got.ID != u.ID {
		t.Errorf("inside the transaction UserByEmail = %v, %v", got, err)
	}
	return nil
}

// wantWritten checks whether writeMany(suffix) is visible in s.
func wantWritten(t *testing.T, s user.Store, suffix string, want bool) {
	t.Helper()
	ctx := t.Context()
	u, err := s.UserByUsername(ctx, "atomic"+suffix)
	if !want {
		wantNotFound(t, err, "user after rollback")
		_, err = s.UserByEmail(ctx, "other"+suffix+"@example.com")
		wantNotFound(t, err, "email after rollback")
		_, err = s.GroupByName(ctx, "group"+suffix)
		wantNotFound(t, err, "group after rollback")
		_, err = s.PermissionByCode(ctx, "app", "perm"+suffix)
		wantNotFound(t, err, "permission after rollback")
		return
	}
	check(t, err, "user after commit")
	if _, err := s.UserByEmail(ctx, "other"+suffix+"@example.com"); err != nil {
		t.Errorf("email after commit: %v", err)
	}
	if _, err := s.GroupByName(ctx, "group"+suffix); err != nil {
		t.Errorf("group after commit: %v", err)
	}
	if codes, err := s.UserPermissionCodes(ctx, u.ID); err != nil || len(codes) != 1 {
		t.Errorf("permission codes after commit = %v, %v", codes, err)
	}
	if es, err := s.Emails(ctx, u.ID); err != nil || len(es) != 2 {
		t.Errorf("emails after commit = %v, %v", es, err)
	}
}

func testAtomicRollback(t *testing.T, s user.Store) {
	err := s.Atomic(t.Context(), func(tx user.Store) error {
		if err := writeMany(t, tx, "1"); err != nil {
			t.Errorf("writeMany: %v", err)
		}
		return errAbort
	})
	if !errors.Is(err, errAbort) {
		t.Errorf("Atomic returned %v, want fn's error", err)
	}
	wantWritten(t, s, "1", false)
	if n, err := s.CountUsers(t.Context()); err != nil || n != 0 {
		t.Errorf("CountUsers after rollback = %d, %v", n, err)
	}
	// Nothing of the rolled-back rows still holds a unique key.
	check(t, writeMany(t, s, "1"), "writeMany after rollback")
	wantWritten(t, s, "1", true)

	// A duplicate inside the transaction comes out as itself and undoes the rest.
	err = s.Atomic(t.Context(), func(tx user.Store) error {
		if err := tx.CreateGroup(t.Context(), &user.Group{Name: "fresh"}); err != nil {
			return err
		}
		return tx.CreateUser(t.Context(), newUser("ATOMIC1", ""))
	})
	wantDuplicate(t, err, "username", "Atomic(duplicate)")
	_, err = s.GroupByName(t.Context(), "fresh")
	wantNotFound(t, err, "group of the failed transaction")
}

func testAtomicCommit(t *testing.T, s user.Store) {
	err := s.Atomic(t.Context(), func(tx user.Store) error { return writeMany(t, tx, "2") })
	check(t, err, "Atomic")
	wantWritten(t, s, "2", true)
}

func testAtomicNested(t *testing.T, s user.Store) {
	ctx := t.Context()
	// The inner call joins the outer transaction: the outer error undoes both.
	err := s.Atomic(ctx, func(tx user.Store) error {
		if err := writeMany(t, tx, "outer"); err != nil {
			return err
		}
		if err := tx.Atomic(ctx, func(tx2 user.Store) error { return writeMany(t, tx2, "inner") }); err != nil {
			return err
		}
		return errAbort
	})
	if !errors.Is(err, errAbort) {
		t.Fatalf("Atomic returned %v, want fn's error", err)
	}
	wantWritten(t, s, "outer", false)
	wantWritten(t, s, "inner", false)

	err = s.Atomic(ctx, func(tx user.Store) error {
		if err := writeMany(t, tx, "outer"); err != nil {
			return err
		}
		return tx.Atomic(ctx, func(tx2 user.Store) error { return writeMany(t, tx2, "inner") })
	})
	check(t, err, "nested Atomic")
	wantWritten(t, s, "outer", true)
	wantWritten(t, s, "inner", true)
}

func testAtomicPanic(t *testing.T, s user.Store) {
	func() {
		defer func() {
			if r := recover(); r != errAbort {
				t.Errorf("recovered %v, want the panic to go through Atomic", r)
			}
		}()
		_ = s.Atomic(t.Context(), func(tx user.Store) error {
			if err := writeMany(t, tx, "3"); err != nil {
				t.Errorf("writeMany: %v", err)
			}
			panic(errAbort)
		})
	}()
	wantWritten(t, s, "3", false)
	// The store still works after the panic.
	check(t, writeMany(t, s, "4"), "writeMany after panic")
	wantWritten(t, s, "4", true)
}
