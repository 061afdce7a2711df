package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/mfa"
	"github.com/gatehouse-auth/gatehouse/user"
)

type mfaTest = storeTest[Stores]

var mfaTests = []mfaTest{
	{"AddRoundTrip", testMFAAdd},
	{"DuplicateTypeRefused", testMFADuplicateType},
	{"ListOldestFirst", testMFAListOrder},
	{"CompareAndSet", testMFACompareAndSet},
	{"ConcurrentCompareAndSet", testMFAConcurrentCAS},
	{"Touch", testMFATouch},
	{"UsedStepReplay", testMFAUsedStep},
	{"ConcurrentUsedStep", testMFAConcurrentUsedStep},
	{"ExpiredStepsSwept", testMFAExpiredSteps},
	{"Delete", testMFADelete},
	{"DeleteAll", testMFADeleteAll},
	{"Atomic", testMFAAtomic},
	{"Generation", testMFAGeneration},
	{"CredentialID", testMFACredentialID},
}

// addAuth stores an authenticator of typ with data or fails the test.
func addAuth(t *testing.T, s mfa.Store, userID int64, typ, data string) *mfa.Authenticator {
	t.Helper()
	a := &mfa.Authenticator{UserID: userID, Type: typ, Data: json.RawMessage(data), CreatedAt: base}
	check(t, s.AddAuthenticator(t.Context(), a), "AddAuthenticator("+typ+")")
	if a.ID == 0 {
		t.Fatalf("AddAuthenticator(%s) did not set ID", typ)
	}
	return a
}

// authenticators lists the user's authenticators or fails the test.
func authenticators(t *testing.T, s mfa.Store, userID int64) []*mfa.Authenticator {
	t.Helper()
	list, err := s.Authenticators(t.Context(), userID)
	check(t, err, "Authenticators")
	return list
}

// testMFAAdd: an authenticator round-trips with its data byte for byte, its
// creation time to the microsecond and a zero LastUsedAt; a missing user is
// ErrNotFound.
func testMFAAdd(t *testing.T, s Stores) {
	ann := create(t, s.Users, "ann-mfa", "")
	data := `{"secret": "sealed:AAEC/+8=", "note": "Ωmega ключ"}`
	a := addAuth(t, s.MFA, ann.ID, mfa.TypeTOTP, data)
	list := authenticators(t, s.MFA, ann.ID)
	if len(list) != 1 {
		t.Fatalf("Authenticators = %d, want 1", len(list))
	}
	got := list[0]
	if got.ID != a.ID || got.UserID != ann.ID || got.Type != mfa.TypeTOTP || string(got.Data) != data {
		t.Errorf("got %+v (data %s), want id %d user %d totp %s", got, got.Data, a.ID, ann.ID, data)
	}
	if !got.CreatedAt.Equal(base) || got.CreatedAt.Location() != time.UTC {
		t.Errorf("CreatedAt = %v, want %v in UTC", got.CreatedAt, base)
	}
	if !got.LastUsedAt.IsZero() {
		t.Errorf("LastUsedAt = %v, want zero (never used)", got.LastUsedAt)
	}
	used := &mfa.Authenticator{UserID: ann.ID, Type: mfa.TypeRecoveryCodes, Data: json.RawMessage(`{}`),
		CreatedAt: base, LastUsedAt: base.Add(time.Minute)}
	check(t, s.MFA.AddAuthenticator(t.Context(), used), "AddAuthenticator(used)")
	if list := authenticators(t, s.MFA, ann.ID); len(list) != 2 || !list[1].LastUsedAt.Equal(base.Add(time.Minute)) {
		t.Errorf("LastUsedAt given at add not kept: %+v", list)
	}
	ghost := &mfa.Authenticator{UserID: ann.ID + 1000, Type: mfa.TypeTOTP, Data: json.RawMessage(`{}`), CreatedAt: base}
	wantNotFound(t, s.MFA.AddAuthenticator(t.Context(), ghost), "AddAuthenticator(missing user)")
}

// testMFADuplicateType: one TOTP and one set of recovery codes per user
// (allauth's rule); another user, or the same user after a delete, may
// add one; another type (webauthn) may have several.
func testMFADuplicateType(t *testing.T, s Stores) {
	ctx := t.Context()
	ann := create(t, s.Users, "ann-mfa", "")
	bob := create(t, s.Users, "bob-mfa", "")
	totp := addAuth(t, s.MFA, ann.ID, mfa.TypeTOTP, `{"n":1}`)
	addAuth(t, s.MFA, ann.ID, mfa.TypeRecoveryCodes, `{"n":2}`)
	for _, typ := range []string{mfa.TypeTOTP, mfa.TypeRecoveryCodes} {
		err := s.MFA.AddAuthenticator(ctx, &mfa.Authenticator{UserID: ann.ID, Type: typ, Data: json.RawMessage(`{}`), CreatedAt: base})
		if !errors.Is(err, user.ErrDuplicate) {
			t.Errorf("second %s: %v, want user.ErrDuplicate", typ, err)
		}
	}
	addAuth(t, s.MFA, bob.ID, mfa.TypeTOTP, `{"n":3}`)
	addAuth(t, s.MFA, ann.ID, "webauthn", `{"key":1}`)
	addAuth(t, s.MFA, ann.ID, "webauthn", `{"key":2}`)
	if n := len(authenticators(t, s.MFA, ann.ID)); n != 4 {
		t.Errorf("ann has %d authenticators, want 4", n)
	}
	check(t, s.MFA.DeleteAuthenticator(ctx, ann.ID, totp.ID), "DeleteAuthenticator")
	addAuth(t, s.MFA, ann.ID, mfa.TypeTOTP, `{"n":4}`)
}

// testMFAListOrder: oldest first (by insertion), only the user's own.
func testMFAListOrder(t *testing.T, s Stores) {
	ann := create(t, s.Users, "ann-mfa", "")
	bob := create(t, s.Users, "bob-mfa", "")
	first := addAuth(t, s.MFA, ann.ID, mfa.TypeRecoveryCodes, `{"n":1}`)
	addAuth(t, s.MFA, bob.ID, mfa.TypeTOTP, `{"n":2}`)
	second := addAuth(t, s.MFA, ann.ID, mfa.TypeTOTP, `{"n":3}`)
	list := authenticators(t, s.MFA, ann.ID)
	if len(list) != 2 || list[0].ID != first.ID || list[1].ID != second.ID {
		t.Fatalf("Authenticators = %v, want [%d %d]", ids(list), first.ID, second.ID)
	}
	if list := authenticators(t, s.MFA, ann.ID+1000); len(list) != 0 {
		t.Errorf("a user without authenticators lists %v", ids(list))
	}
}

func ids(list []*mfa.Authenticator) []int64 {
	out := make([]int64, len(list))
	for i, a := range list {
		out[i] = a.ID
	}
	return out
}

// testMFACompareAndSet: the data changes only from the data it still has;
// a stale old value or a missing id changes nothing and reports false.
func testMFACompareAndSet(t *testing.T, s Stores) {
	ctx := t.Context()
	ann := create(t, s.Users, "ann-mfa", "")
	old := `{"codes":["a","b"],"used":[]}`
	a := addAuth(t, s.MFA, ann.ID, mfa.TypeRecoveryCodes, old)
	spent := `{"codes":["a","b"],"used":[0]}`
	at := base.Add(time.Hour)
	ok, err := s.MFA.UpdateAuthenticatorData(ctx, a.ID, json.RawMessage(old), json.RawMessage(spent), at)
	check(t, err, "UpdateAuthenticatorData")
	if !ok {
		t.Fatal("UpdateAuthenticatorData from the current data = false")
	}
	got := authenticators(t, s.MFA, ann.ID)[0]
	if string(got.Data) != spent || !got.LastUsedAt.Equal(at) {
		t.Fatalf("after CAS: data %s used %v, want %s %v", got.Data, got.LastUsedAt, spent, at)
	}
	// The same spend again, from the data it no longer has.
	ok, err = s.MFA.UpdateAuthenticatorData(ctx, a.ID, json.RawMessage(old), json.RawMessage(`{"codes":[],"used":[0,1]}`), at.Add(time.Minute))
	check(t, err, "UpdateAuthenticatorData(stale)")
	if ok {
		t.Error("UpdateAuthenticatorData from stale data = true")
	}
	got = authenticators(t, s.MFA, ann.ID)[0]
	if string(got.Data) != spent || !got.LastUsedAt.Equal(at) {
		t.Errorf("a stale CAS changed the row: data %s used %v", got.Data, got.LastUsedAt)
	}
	// Equal JSON in other bytes is not the same data.
	ok, err = s.MFA.UpdateAuthenticatorData(ctx, a.ID, json.RawMessage(`{"codes": ["a","b"], "used": [0]}`), json.RawMessage(`{}`), at)
	check(t, err, "UpdateAuthenticatorData(other bytes)")
	if ok {
		t.Error("UpdateAuthenticatorData matched data of other bytes")
	}
	// A zero usedAt (a new set of codes, not a use) keeps LastUsedAt.
	ok, err = s.MFA.UpdateAuthenticatorData(ctx, a.ID, json.RawMessage(spent), json.RawMessage(old), time.Time{})
	check(t, err, "UpdateAuthenticatorData(zero usedAt)")
	got = authenticators(t, s.MFA, ann.ID)[0]
	if !ok || string(got.Data) != old || !got.LastUsedAt.Equal(at) {
		t.Errorf("CAS with zero usedAt: ok %v data %s used %v", ok, got.Data, got.LastUsedAt)
	}
	ok, err = s.MFA.UpdateAuthenticatorData(ctx, a.ID+1000, json.RawMessage(old), json.RawMessage(spent), at)
	if err != nil || ok {
		t.Errorf("CAS of a missing authenticator = %v, %v; want false, nil", ok, err)
	}
}

// testMFAConcurrentCAS: eight requests spend the same recovery code at
// once; exactly one succeeds and its data is what is stored.
func testMFAConcurrentCAS(t *testing.T, s Stores) {
	ann := create(t, s.Users, "ann-mfa", "")
	old := `{"used":[]}`
	a := addAuth(t, s.MFA, ann.ID, mfa.TypeRecoveryCodes, old)
	const n = 8
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		wins []string
		errs []error
	)
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			data := fmt.Sprintf(`{"used":[0],"by":%d}`, i)
			ok, err := s.MFA.UpdateAuthenticatorData(t.Context(), a.ID, json.RawMessage(old), json.RawMessage(data), base)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
			}
			if ok {
				wins = append(wins, data)
			}
		}()
	}
	close(start)
	wg.Wait()
	if len(errs) > 0 {
		t.Fatalf("concurrent CAS errors: %v", errs)
	}
	if len(wins) != 1 {
		t.Fatalf("%d of %d concurrent CAS won, want exactly 1", len(wins), n)
	}
	if got := authenticators(t, s.MFA, ann.ID)[0]; string(got.Data) != wins[0] {
		t.Errorf("stored %s, winner wrote %s", got.Data, wins[0])
	}
}

// testMFATouch: TouchAuthenticator sets LastUsedAt only; a missing id is
// ErrNotFound.
func testMFATouch(t *testing.T, s Stores) {
	ann := create(t, s.Users, "ann-mfa", "")
	a := addAuth(t, s.MFA, ann.ID, mfa.TypeTOTP, `{"s":1}`)
	at := base.Add(42 * time.Second)
	check(t, s.MFA.TouchAuthenticator(t.Context(), a.ID, at), "TouchAuthenticator")
	got := authenticators(t, s.MFA, ann.ID)[0]
	if !got.LastUsedAt.Equal(at) || string(got.Data) != `{"s":1}` {
		t.Errorf("after touch: used %v data %s", got.LastUsedAt, got.Data)
	}
	wantNotFound(t, s.MFA.TouchAuthenticator(t.Context(), a.ID+1000, at), "TouchAuthenticator(missing)")
}

// testMFAUsedStep: a step is accepted once per user; another step or
// another user's same step is not a replay.
func testMFAUsedStep(t *testing.T, s Stores) {
	ctx := t.Context()
	ann := create(t, s.Users, "ann-mfa", "")
	bob := create(t, s.Users, "bob-mfa", "")
	until := base.Add(90 * time.Second)
	use := func(userID, step int64) bool {
		t.Helper()
		ok, err := s.MFA.UseTOTPStep(ctx, userID, step, until)
		check(t, err, "UseTOTPStep")
		return ok
	}
	if !use(ann.ID, 59000000) {
		t.Fatal("first use of a step = false")
	}
	if use(ann.ID, 59000000) {
		t.Error("replayed step = true")
	}
	if !use(ann.ID, 59000001) {
		t.Error("the next step = false")
	}
	if !use(bob.ID, 59000000) {
		t.Error("another user's same step = false")
	}
}

// testMFAConcurrentUsedStep: eight requests with the same code at once;
// exactly one is accepted.
func testMFAConcurrentUsedStep(t *testing.T, s Stores) {
	ann := create(t, s.Users, "ann-mfa", "")
	const n = 8
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		wins int
		errs []error
	)
	start := make(chan struct{})
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			ok, err := s.MFA.UseTOTPStep(t.Context(), ann.ID, 7, base.Add(time.Minute))
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
			}
			if ok {
				wins++
			}
		}()
	}
	close(start)
	wg.Wait()
	if len(errs) > 0 || wins != 1 {
		t.Fatalf("%d of %d concurrent uses accepted (errors %v), want exactly 1", wins, n, errs)
	}
}

// testMFAExpiredSteps: the sweep removes the records kept until at or
// before now and keeps the others, which still refuse a replay.
func testMFAExpiredSteps(t *testing.T, s Stores) {
	ctx := t.Context()
	ann := create(t, s.Users, "ann-mfa", "")
	for step, until := range map[int64]time.Time{1: base, 2: base.Add(-time.Minute), 3: base.Add(time.Microsecond)} {
		ok, err := s.MFA.UseTOTPStep(ctx, ann.ID, step, until)
		check(t, err, "UseTOTPStep")
		if !ok {
			t.Fatalf("UseTOTPStep(%d) = false", step)
		}
	}
	n, err := s.MFA.DeleteExpiredTOTPSteps(ctx, base)
	check(t, err, "DeleteExpiredTOTPSteps")
	if n != 2 {
		t.Errorf("DeleteExpiredTOTPSteps removed %d, want 2", n)
	}
	if ok, err := s.MFA.UseTOTPStep(ctx, ann.ID, 3, base.Add(time.Minute)); err != nil || ok {
		t.Errorf("the kept step was accepted again: %v, %v", ok, err)
	}
	if ok, err := s.MFA.UseTOTPStep(ctx, ann.ID, 1, base.Add(time.Minute)); err != nil || !ok {
		t.Errorf("a swept step's record is still there: %v, %v", ok, err)
	}
	if n, err := s.MFA.DeleteExpiredTOTPSteps(ctx, base); err != nil || n != 0 {
		t.Errorf("second sweep = %d, %v; want 0", n, err)
	}
}

// testMFADelete: an authenticator is deleted by its owner only; deleting
// it again is ErrNotFound.
func testMFADelete(t *testing.T, s Stores) {
	ctx := t.Context()
	ann := create(t, s.Users, "ann-mfa", "")
	bob := create(t, s.Users, "bob-mfa", "")
	a := addAuth(t, s.MFA, ann.ID, mfa.TypeTOTP, `{}`)
	keep := addAuth(t, s.MFA, ann.ID, mfa.TypeRecoveryCodes, `{}`)
	wantNotFound(t, s.MFA.DeleteAuthenticator(ctx, bob.ID, a.ID), "bob deletes ann's authenticator")
	check(t, s.MFA.DeleteAuthenticator(ctx, ann.ID, a.ID), "DeleteAuthenticator")
	wantNotFound(t, s.MFA.DeleteAuthenticator(ctx, ann.ID, a.ID), "DeleteAuthenticator(again)")
	if list := authenticators(t, s.MFA, ann.ID); len(list) != 1 || list[0].ID != keep.ID {
		t.Errorf("after delete: %v, want [%d]", ids(list), keep.ID)
	}
}

// testMFADeleteAll: every authenticator of the user goes, no one else's.
func testMFADeleteAll(t *testing.T, s Stores) {
	ctx := t.Context()
	ann := create(t, s.Users, "ann-mfa", "")
	bob := create(t, s.Users, "bob-mfa", "")
	addAuth(t, s.MFA, ann.ID, mfa.TypeTOTP, `{}`)
	addAuth(t, s.MFA, ann.ID, mfa.TypeRecoveryCodes, `{}`)
	addAuth(t, s.MFA, bob.ID, mfa.TypeTOTP, `{}`)
	n, err := s.MFA.DeleteAuthenticators(ctx, ann.ID)
	check(t, err, "DeleteAuthenticators")
	if n != 2 {
		t.Errorf("DeleteAuthenticators = %d, want 2", n)
	}
	if list := authenticators(t, s.MFA, ann.ID); len(list) != 0 {
		t.Errorf("ann still has %v", ids(list))
	}
	if list := authenticators(t, s.MFA, bob.ID); len(list) != 1 {
		t.Errorf("bob has %d, want 1", len(list))
	}
	if n, err := s.MFA.DeleteAuthenticators(ctx, ann.ID); err != nil || n != 0 {
		t.Errorf("DeleteAuthenticators(none left) = %d, %v", n, err)
	}
}

// testMFAAtomic: the store that Atomic passes to fn is an mfa.Store whose
// writes commit or roll back with the transaction.
func testMFAAtomic(t *testing.T, s Stores) {
	ctx := t.Context()
	ann := create(t, s.Users, "ann-mfa", "")
	boom := errors.New("boom")
	err := s.Users.Atomic(ctx, func(st user.Store) error {
		ms, ok := st.(mfa.Store)
		if !ok {
			t.Fatalf("the store of Atomic (%T) is not an mfa.Store", st)
		}
		a := &mfa.Authenticator{UserID: ann.ID, Type: mfa.TypeTOTP, Data: json.RawMessage(`{}`), CreatedAt: base}
		check(t, ms.AddAuthenticator(ctx, a), "AddAuthenticator in Atomic")
		if list, err := ms.Authenticators(ctx, ann.ID); err != nil || len(list) != 1 {
			t.Errorf("inside Atomic: %d authenticators, %v", len(list), err)
		}
		if ok, err := ms.UseTOTPStep(ctx, ann.ID, 5, base); err != nil || !ok {
			t.Errorf("UseTOTPStep in Atomic = %v, %v", ok, err)
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Atomic = %v, want boom", err)
	}
	if list := authenticators(t, s.MFA, ann.ID); len(list) != 0 {
		t.Errorf("rolled back add kept %v", ids(list))
	}
	if ok, err := s.MFA.UseTOTPStep(ctx, ann.ID, 5, base); err != nil || !ok {
		t.Errorf("rolled back step use kept: %v, %v", ok, err)
	}
	a := addAuth(t, s.MFA, ann.ID, mfa.TypeRecoveryCodes, `{"v":1}`)
	check(t, s.Users.Atomic(ctx, func(st user.Store) error {
		ok, err := st.(mfa.Store).UpdateAuthenticatorData(ctx, a.ID, json.RawMessage(`{"v":1}`), json.RawMessage(`{"v":2}`), base)
		if err == nil && !ok {
			err = errors.New("CAS in Atomic = false")
		}
		return err
	}), "Atomic CAS")
	if got := authenticators(t, s.MFA, ann.ID)[0]; !bytes.Equal(got.Data, []byte(`{"v":2}`)) {
		t.Errorf("committed CAS: data %s", got.Data)
	}
}

// generationStore is what a store that keeps the auth generation has.
type generationStore interface {
	AuthGeneration(ctx context.Context) (int64, error)
}

// testMFAGeneration: adding an authenticator, changing its data and
// deleting it move the auth generation (read from the row, in a
// transaction of its own, so that only the triggers of this store count);
// a use that only sets LastUsedAt, a stale CAS, a recorded TOTP step and a
// delete that removes nothing do not.
func testMFAGeneration(t *testing.T, s Stores) {
	ctx := t.Context()
	if _, ok := s.Users.(generationStore); !ok {
		t.Skip("the store keeps no auth generation")
	}
	gen := func() int64 {
		t.Helper()
		var v int64
		check(t, s.Users.Atomic(ctx, func(st user.Store) error {
			var err error
			v, err = st.(generationStore).AuthGeneration(ctx)
			return err
		}), "AuthGeneration")
		return v
	}
	ann := create(t, s.Users, "ann-mfa", "")
	step := func(what string, moves bool, fn func()) {
		t.Helper()
		before := gen()
		fn()
		after := gen()
		if moves && after == before {
			t.Errorf("%s did not move the auth generation (%d)", what, before)
		}
		if !moves && after != before {
			t.Errorf("%s moved the auth generation (%d → %d)", what, before, after)
		}
	}
	var a *mfa.Authenticator
	step("AddAuthenticator", true, func() { a = addAuth(t, s.MFA, ann.ID, mfa.TypeRecoveryCodes, `{"v":1}`) })
	step("UpdateAuthenticatorData", true, func() {
		ok, err := s.MFA.UpdateAuthenticatorData(ctx, a.ID, json.RawMessage(`{"v":1}`), json.RawMessage(`{"v":2}`), base)
		if err != nil || !ok {
			t.Fatalf("UpdateAuthenticatorData = %v, %v", ok, err)
		}
	})
	step("a stale UpdateAuthenticatorData", false, func() {
		if ok, err := s.MFA.UpdateAuthenticatorData(ctx, a.ID, json.RawMessage(`{"v":1}`), json.RawMessage(`{"v":3}`), base); err != nil || ok {
			t.Fatalf("stale UpdateAuthenticatorData = %v, %v", ok, err)
		}
	})
	step("TouchAuthenticator", false, func() { check(t, s.MFA.TouchAuthenticator(ctx, a.ID, base), "TouchAuthenticator") })
	step("UseTOTPStep", false, func() {
		_, err := s.MFA.UseTOTPStep(ctx, ann.ID, 1, base)
		check(t, err, "UseTOTPStep")
	})
	step("DeleteAuthenticator", true, func() { check(t, s.MFA.DeleteAuthenticator(ctx, ann.ID, a.ID), "DeleteAuthenticator") })
	addAuth(t, s.MFA, ann.ID, mfa.TypeTOTP, `{}`)
	step("DeleteAuthenticators", true, func() {
		_, err := s.MFA.DeleteAuthenticators(ctx, ann.ID)
		check(t, err, "DeleteAuthenticators")
	})
	step("DeleteAuthenticators of none", false, func() {
		_, err := s.MFA.DeleteAuthenticators(ctx, ann.ID)
		check(t, err, "DeleteAuthenticators")
	})
}
