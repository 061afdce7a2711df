package storetest

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/flow"
	"github.com/gatehouse-auth/gatehouse/user"
)

type flowTest = storeTest[flow.Store]

var flowTests = []flowTest{
	{"SaveFindTake", testFlowSaveFindTake},
	{"Expiry", testFlowExpiry},
	{"ConcurrentTake", testFlowConcurrentTake},
}

func newFlow(kind string, data []byte, ttl time.Duration) flow.Flow {
	_, id := flow.NewToken()
	return flow.Flow{ID: id, Kind: kind, Data: data, CreatedAt: base, ExpiresAt: base.Add(ttl)}
}

// testFlowSaveFindTake: a flow round-trips with its data; saving again
// replaces it; taking it returns it once and leaves nothing.
func testFlowSaveFindTake(t *testing.T, s flow.Store) {
	ctx := t.Context()
	f := newFlow("login", []byte(`{"user_id":7,"next":"/reports/"}`), 15*time.Minute)
	check(t, s.SaveFlow(ctx, f), "SaveFlow")
	other := newFlow("password_reset", []byte{0, 1, 2, 255}, time.Hour)
	check(t, s.SaveFlow(ctx, other), "SaveFlow(other)")
	got, ok, err := s.FindFlow(ctx, f.ID, base.Add(time.Minute))
	check(t, err, "FindFlow")
	if !ok || got.Kind != "login" || !bytes.Equal(got.Data, f.Data) || !got.ExpiresAt.Equal(f.ExpiresAt) || !got.CreatedAt.Equal(f.CreatedAt) {
		t.Fatalf("FindFlow = %+v, %v; want %+v", got, ok, f)
	}
	f.Data = []byte(`{"user_id":7,"done":["verified_email"]}`)
	check(t, s.SaveFlow(ctx, f), "SaveFlow(replace)")
	got, ok, err = s.TakeFlow(ctx, f.ID, base.Add(time.Minute))
	check(t, err, "TakeFlow")
	if !ok || !bytes.Equal(got.Data, f.Data) {
		t.Fatalf("TakeFlow = %q, %v; want the replaced data", got.Data, ok)
	}
	if _, ok, err := s.TakeFlow(ctx, f.ID, base.Add(time.Minute)); err != nil || ok {
		t.Fatalf("second TakeFlow = %v, %v; want nothing", ok, err)
	}
	if _, ok, err := s.FindFlow(ctx, f.ID, base.Add(time.Minute)); err != nil || ok {
		t.Fatalf("FindFlow after TakeFlow = %v, %v; want nothing", ok, err)
	}
	if got, ok, _ := s.FindFlow(ctx, other.ID, base.Add(time.Minute)); !ok || !bytes.Equal(got.Data, other.Data) {
		t.Fatal("taking one flow disturbed another")
	}
}

// testFlowExpiry: an expired flow is neither found nor taken, and
// DeleteExpiredFlows removes only expired ones.
func testFlowExpiry(t *testing.T, s flow.Store) {
	ctx := t.Context()
	short := newFlow("code", []byte("x"), time.Minute)
	long := newFlow("code", []byte("y"), time.Hour)
	check(t, s.SaveFlow(ctx, short), "SaveFlow")
	check(t, s.SaveFlow(ctx, long), "SaveFlow")
	at := base.Add(time.Minute)
	if _, ok, _ := s.FindFlow(ctx, short.ID, at); ok {
		t.Error("FindFlow returned a flow at its expiry")
	}
	if _, ok, _ := s.TakeFlow(ctx, short.ID, at); ok {
		t.Error("TakeFlow returned a flow at its expiry")
	}
	n, err := s.DeleteExpiredFlows(ctx, at)
	check(t, err, "DeleteExpiredFlows")
	if n != 1 {
		t.Errorf("DeleteExpiredFlows removed %d, want 1", n)
	}
	if _, ok, _ := s.FindFlow(ctx, long.ID, at); !ok {
		t.Error("a live flow went with the expired ones")
	}
}

// testFlowConcurrentTake: of 16 concurrent takes of one flow exactly one
// gets it (single use).
func testFlowConcurrentTake(t *testing.T, s flow.Store) {
	f := newFlow("password_reset", []byte("key"), time.Hour)
	check(t, s.SaveFlow(t.Context(), f), "SaveFlow")
	got := make([]bool, 16)
	errs := race(16, func(i int) error {
		_, ok, err := s.TakeFlow(t.Context(), f.ID, base)
		got[i] = ok
		return err
	})
	wins := 0
	for i, ok := range got {
		check(t, errs[i], "TakeFlow")
		if ok {
			wins++
		}
	}
	if wins != 1 {
		t.Fatalf("%d of 16 concurrent takes got the flow, want exactly 1", wins)
	}
}

// testVerifyEmail marks one of the user's addresses verified, compared
// canonically; another user's address or an unknown one is ErrNotFound.
func testVerifyEmail(t *testing.T, s user.Store) {
	ctx := t.Context()
	u := create(t, s, "vera", "Vera@Example.com")
	v := create(t, s, "vlad", "vlad@example.com")
	check(t, s.VerifyEmail(ctx, u.ID, "VERA@example.COM"), "VerifyEmail")
	es, err := s.Emails(ctx, u.ID)
	check(t, err, "Emails")
	if len(es) != 1 || !es[0].Verified {
		t.Fatalf("Emails after VerifyEmail = %+v", es)
	}
	if err := s.VerifyEmail(ctx, u.ID, "vlad@example.com"); !errors.Is(err, user.ErrNotFound) {
		t.Errorf("VerifyEmail of another user's address = %v, want ErrNotFound", err)
	}
	if err := s.VerifyEmail(ctx, u.ID, "nobody@example.com"); !errors.Is(err, user.ErrNotFound) {
		t.Errorf("VerifyEmail of an unknown address = %v, want ErrNotFound", err)
	}
	ves, _ := s.Emails(ctx, v.ID)
	if len(ves) != 1 || ves[0].Verified {
		t.Errorf("another user's address changed: %+v", ves)
	}
}

// testCompareAndSetPassword: the hash changes only from the expected old
// one, and of 16 concurrent swaps from one old hash exactly one wins.
func testCompareAndSetPassword(t *testing.T, s user.Store) {
	ctx := t.Context()
	u := create(t, s, "casey", "")
	if ok, err := s.CompareAndSetPassword(ctx, u.ID, "not-the-hash", "new"); err != nil || ok {
		t.Fatalf("swap from a wrong old hash = %v, %v", ok, err)
	}
	won := make([]bool, 16)
	errs := race(16, func(i int) error {
		ok, err := s.CompareAndSetPassword(ctx, u.ID, u.Password, "pbkdf2_sha256$1$s$"+string(rune('a'+i)))
		won[i] = ok
		return err
	})
	wins := 0
	for i, ok := range won {
		check(t, errs[i], "CompareAndSetPassword")
		if ok {
			wins++
		}
	}
	if wins != 1 {
		t.Fatalf("%d of 16 concurrent swaps won, want exactly 1", wins)
	}
	got, err := s.User(ctx, u.ID)
	check(t, err, "User")
	if got.Password == u.Password {
		t.Fatal("the password did not change")
	}
	check(t, s.SetLanguage(ctx, u.ID, "en"), "SetLanguage")
	if got, _ := s.User(ctx, u.ID); got.Language != "en" {
		t.Fatalf("Language = %q after SetLanguage(en)", got.Language)
	}
}

// testPrimaryAndRemoveEmail: a secondary address becomes primary (users.email
// follows, one primary); removing a secondary leaves the primary; removing
// the primary empties users.email; another user's address is ErrNotFound.
func testPrimaryAndRemoveEmail(t *testing.T, s user.Store) {
	ctx := t.Context()
	u := create(t, s, "prima", "one@example.com")
	other := create(t, s, "secunda", "other@example.com")
	check(t, s.AddEmail(ctx, &user.EmailAddress{UserID: u.ID, Email: "Two@Example.com", Verified: true}), "AddEmail")
	check(t, s.SetPrimaryEmail(ctx, u.ID, "two@example.com"), "SetPrimaryEmail")
	got, _ := s.User(ctx, u.ID)
	es, _ := s.Emails(ctx, u.ID)
	if got.Email != "Two@Example.com" || len(es) != 2 || es[0].Email != "Two@Example.com" || !es[0].Primary || es[1].Primary {
		t.Fatalf("after SetPrimaryEmail: users.email %q, addresses %v", got.Email, emailList(es))
	}
	if err := s.SetPrimaryEmail(ctx, u.ID, "other@example.com"); !errors.Is(err, user.ErrNotFound) {
		t.Errorf("SetPrimaryEmail(another user's address) = %v, want ErrNotFound", err)
	}
	if err := s.RemoveEmail(ctx, u.ID, "other@example.com"); !errors.Is(err, user.ErrNotFound) {
		t.Errorf("RemoveEmail(another user's address) = %v, want ErrNotFound", err)
	}
	if es, _ := s.Emails(ctx, other.ID); len(es) != 1 {
		t.Fatal("another user's address changed")
	}
	check(t, s.RemoveEmail(ctx, u.ID, "ONE@example.com"), "RemoveEmail(secondary)")
	if got, _ := s.User(ctx, u.ID); got.Email != "Two@Example.com" {
		t.Errorf("removing a secondary changed users.email to %q", got.Email)
	}
	if _, err := s.UserByEmail(ctx, "one@example.com"); !errors.Is(err, user.ErrNotFound) {
		t.Errorf("a removed address still finds the user: %v", err)
	}
	check(t, s.RemoveEmail(ctx, u.ID, "two@example.com"), "RemoveEmail(primary)")
	if got, _ := s.User(ctx, u.ID); got.Email != "" {
		t.Errorf("removing the primary left users.email %q", got.Email)
	}
	// The address is free again.
	check(t, s.AddEmail(ctx, &user.EmailAddress{UserID: other.ID, Email: "one@example.com"}), "AddEmail(freed address)")
}
