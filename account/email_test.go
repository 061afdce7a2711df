package account_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/internal/testdb"
	"github.com/gatehouse-auth/gatehouse/mail"
	"github.com/gatehouse-auth/gatehouse/user"
)

// queued returns the mail waiting in the store's outbox, oldest first.
func queued(t *testing.T, db interface {
	ListOutbox(context.Context, int64, int, ...mail.Status) ([]*mail.Queued, error)
}) []*mail.Message {
	t.Helper()
	qs, err := db.ListOutbox(context.Background(), 0, 100, mail.StatusPending)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]*mail.Message, len(qs))
	for i, q := range qs {
		out[i] = q.Message
	}
	return out
}

// TestEmailAddresses walks the address flows: changes need a recent
// authentication; adding mails a confirmation; a taken address answers
// the same and tells its owner, adding nothing; an unverified address
// cannot become primary while a verified one exists; the primary and the
// last way in cannot be removed.
func TestEmailAddresses(t *testing.T) {
	db := testdb.SQLite(t)
	s, _ := newService(db)
	now := time.Now()
	s.Now = func() time.Time { return now }
	ctx := context.Background()
	c := account.Client{IP: "203.0.113.30"}
	ann := userOf(s.Signup(ctx, account.SignupInput{Username: "ann", Email: "ann@example.com", Password1: pw, Password2: pw}, c))
	bob := userOf(s.Signup(ctx, account.SignupInput{Username: "bob", Email: "bob@example.com", Password1: pw, Password2: pw}, account.Client{IP: "203.0.113.31"}))
	must(t, db.VerifyEmail(ctx, ann.ID, "ann@example.com"))
	stale := newSession(t, db, ann, now.Add(-time.Hour))
	fresh := newSession(t, db, ann, now)
	before := len(queued(t, db))

	if err := s.AddEmail(ctx, ann, stale, "ann.work@example.com", c); !account.HasCode(err, account.CodeReauthenticationRequired) {
		t.Fatalf("adding on a stale login: %v", err)
	}
	must(t, s.AddEmail(ctx, ann, fresh, "Ann.Work@Example.com", c))
	msgs := queued(t, db)
	if len(msgs) != before+1 || msgs[len(msgs)-1].To[0] != "Ann.Work@Example.com" || !strings.Contains(msgs[len(msgs)-1].Subject, "kind=email_confirmation") {
		t.Fatalf("no confirmation queued for the new address: %d mails", len(msgs)-before)
	}
	if err := s.AddEmail(ctx, ann, fresh, "ann.work@example.com", c); !account.HasCode(err, account.CodeEmailAlreadyYours) {
		t.Errorf("adding one's own address again: %v", err)
	}
	// Bob's address: the same answer as a free one, nothing added, Bob told
	// (once the cooldown of his signup's confirmation is over).
	now = now.Add(181 * time.Second)
	fresh = newSession(t, db, ann, now)
	if err := s.AddEmail(ctx, ann, fresh, "BOB@example.com", c); err != nil {
		t.Fatalf("adding a taken address answered %v, want the answer of a free one", err)
	}
	es, _ := db.Emails(ctx, ann.ID)
	if len(es) != 2 {
		t.Fatalf("ann has %d addresses after adding bob's, want 2", len(es))
	}
	msgs = queued(t, db)
	// To bob's address as stored, not as ann typed it.
	if last := msgs[len(msgs)-1]; last.To[0] != "bob@example.com" || !strings.Contains(last.Subject, "kind=email_taken") {
		t.Fatalf("bob was not told: last mail %v %q", last.To, last.Subject)
	}
	if got, _ := db.UserByEmail(ctx, "bob@example.com"); got.ID != bob.ID {
		t.Fatal("bob's address moved")
	}

	if err := s.MakePrimaryEmail(ctx, ann, fresh, "ann.work@example.com", c); !account.HasCode(err, account.CodeEmailUnverifiedPrimary) {
		t.Errorf("an unverified address became primary: %v", err)
	}
	must(t, db.VerifyEmail(ctx, ann.ID, "ann.work@example.com"))
	must(t, s.MakePrimaryEmail(ctx, ann, fresh, "ann.work@example.com", c))
	if got, _ := db.User(ctx, ann.ID); got.Email != "Ann.Work@Example.com" {
		t.Fatalf("users.email = %q after making the work address primary", got.Email)
	}
	if err := s.RemoveEmail(ctx, ann, fresh, "ann.work@example.com", c); !account.HasCode(err, account.CodeEmailPrimaryRemove) {
		t.Errorf("the primary address was removed: %v", err)
	}
	must(t, s.RemoveEmail(ctx, ann, fresh, "ann@example.com", c))

	// Without a usable password the last verified address is the way in.
	must(t, db.SetPassword(ctx, ann.ID, "!unusable"))
	ann, _ = db.User(ctx, ann.ID)
	must(t, db.AddEmail(ctx, &user.EmailAddress{UserID: ann.ID, Email: "ann.old@example.com", Verified: true}))
	must(t, db.SetPrimaryEmail(ctx, ann.ID, "ann.old@example.com"))
	if err := s.RemoveEmail(ctx, ann, fresh, "ann.work@example.com", c); err != nil {
		t.Fatalf("removing one of two verified addresses: %v", err)
	}
	must(t, db.AddEmail(ctx, &user.EmailAddress{UserID: ann.ID, Email: "ann.new@example.com", Verified: true}))
	must(t, db.SetPrimaryEmail(ctx, ann.ID, "ann.new@example.com"))
	must(t, db.VerifyEmail(ctx, ann.ID, "ann.new@example.com"))
	es, _ = db.Emails(ctx, ann.ID)
	for _, e := range es {
		if e.Email == "ann.old@example.com" {
			// Make it the only verified one by removing it would leave ann.new: allowed.
			must(t, s.RemoveEmail(ctx, ann, fresh, e.Email, c))
		}
	}
	must(t, db.AddEmail(ctx, &user.EmailAddress{UserID: ann.ID, Email: "ann.spare@example.com"}))
	must(t, db.SetPrimaryEmail(ctx, ann.ID, "ann.spare@example.com"))
	if err := s.RemoveEmail(ctx, ann, fresh, "ann.new@example.com", c); !account.HasCode(err, account.CodeEmailLastWayIn) {
		t.Errorf("the last verified address of a user without a password was removed: %v", err)
	}
}

// TestChangeEmailTypo: in ChangeEmail mode a new address stays pending and
// the old one is told with a cancel link; cancelling (the typo case) leaves
// the login address as it was; confirming instead replaces it.
func TestChangeEmailTypo(t *testing.T) {
	db := testdb.SQLite(t)
	s, _ := newService(db)
	s.Config.ChangeEmail = true
	now := time.Now()
	s.Now = func() time.Time { return now }
	ctx := context.Background()
	c := account.Client{IP: "203.0.113.40"}
	u := userOf(s.Signup(ctx, account.SignupInput{Username: "cleo", Email: "cleo@example.com", Password1: pw, Password2: pw}, c))
	must(t, db.VerifyEmail(ctx, u.ID, "cleo@example.com"))
	sess := newSession(t, db, u, now)
	must(t, s.AddEmail(ctx, u, sess, "cleo@exmaple.com", c))
	msgs := queued(t, db)
	notice := msgs[len(msgs)-1]
	if notice.To[0] != "cleo@example.com" || !strings.Contains(notice.Subject, "kind=email_change_requested") {
		t.Fatalf("the old address was not told of the change: %v %q", notice.To, notice.Subject)
	}
	key := between(notice.Subject, "key=", " ")
	if got, _ := db.UserByEmail(ctx, "cleo@example.com"); got == nil || got.ID != u.ID {
		t.Fatal("the old address stopped working before the new one was confirmed")
	}
	cf, err := s.CancelEmailChange(ctx, key, c)
	if err != nil || cf.Email != "cleo@exmaple.com" {
		t.Fatalf("cancel = %v, %v", cf, err)
	}
	es, _ := db.Emails(ctx, u.ID)
	if len(es) != 1 || es[0].Email != "cleo@example.com" || !es[0].Primary {
		t.Fatalf("after cancelling: %v", es)
	}
	if _, err := s.CancelEmailChange(ctx, key, c); !account.HasCode(err, account.CodeConfirmationInvalid) {
		t.Errorf("a cancel link worked twice: %v", err)
	}
	// The right address this time, confirmed: it replaces the old one.
	must(t, s.AddEmail(ctx, u, sess, "cleo@example.org", c))
	msgs = queued(t, db)
	var confirm string
	for _, m := range msgs {
		if m.To[0] == "cleo@example.org" {
			confirm = between(m.Subject, "key=", " ")
		}
	}
	if _, err := s.ConfirmEmail(ctx, confirm, c); err != nil {
		t.Fatal(err)
	}
	es, _ = db.Emails(ctx, u.ID)
	if got, _ := db.User(ctx, u.ID); len(es) != 1 || es[0].Email != "cleo@example.org" || got.Email != "cleo@example.org" {
		t.Fatalf("after confirming the change: users.email %q, addresses %v", got.Email, es)
	}
	// The used link, posted again after another change was asked for,
	// answers alike and changes nothing: the new pending address stays.
	must(t, s.AddEmail(ctx, u, sess, "cleo@example.net", c))
	cf, err = s.ConfirmEmail(ctx, confirm, c)
	if err != nil || cf.Email != "cleo@example.org" || !cf.Confirmed {
		t.Fatalf("the used link again = %+v, %v", cf, err)
	}
	es, _ = db.Emails(ctx, u.ID)
	if len(es) != 2 || !es[0].Primary || es[0].Email != "cleo@example.org" || es[1].Email != "cleo@example.net" || es[1].Verified {
		t.Fatalf("a used confirmation link changed the addresses: %v", es)
	}
}

// between returns the text of s after start up to end (or its end).
func between(s, start, end string) string {
	_, after, _ := strings.Cut(s, start)
	v, _, _ := strings.Cut(after, end)
	return v
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestMakePrimaryTellsTheFormerAddress: making another verified address
// primary mails the former primary address that the account's mail now
// goes elsewhere (D8); making the primary address primary again mails
// nothing.
func TestMakePrimaryTellsTheFormerAddress(t *testing.T) {
	db := testdb.SQLite(t)
	s, _ := newService(db)
	now := time.Now()
	s.Now = func() time.Time { return now }
	ctx := context.Background()
	c := account.Client{IP: "203.0.113.41"}
	u := userOf(s.Signup(ctx, account.SignupInput{Username: "dora", Email: "dora@example.com", Password1: pw, Password2: pw}, c))
	must(t, db.VerifyEmail(ctx, u.ID, "dora@example.com"))
	must(t, db.AddEmail(ctx, &user.EmailAddress{UserID: u.ID, Email: "dora@example.org", Verified: true}))
	sess := newSession(t, db, u, now)
	before := len(queued(t, db))
	must(t, s.MakePrimaryEmail(ctx, u, sess, "dora@example.com", c))
	if n := len(queued(t, db)); n != before {
		t.Fatalf("making the primary address primary queued %d mails", n-before)
	}
	must(t, s.MakePrimaryEmail(ctx, u, sess, "dora@example.org", c))
	msgs := queued(t, db)
	if len(msgs) != before+1 {
		t.Fatalf("%d mails queued, want 1", len(msgs)-before)
	}
	m := msgs[len(msgs)-1]
	if m.To[0] != "dora@example.com" || !strings.Contains(m.Subject, "kind=email_changed") || !strings.Contains(m.Subject, "dora@example.org") {
		t.Fatalf("the notice: to %v, %q", m.To, m.Subject)
	}
	if got, _ := db.User(ctx, u.ID); got.Email != "dora@example.org" {
		t.Fatalf("users.email = %q", got.Email)
	}
}
