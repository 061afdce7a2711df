package storetest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/flow"
	"github.com/gatehouse-auth/gatehouse/mail"
	"github.com/gatehouse-auth/gatehouse/mfa"
	"github.com/gatehouse-auth/gatehouse/ratelimit"
	"github.com/gatehouse-auth/gatehouse/session"
	"github.com/gatehouse-auth/gatehouse/social"
	"github.com/gatehouse-auth/gatehouse/user"
)

// Stores are the stores of one backend under test. A nil field skips the
// tests of that store; Sessions tests create their users through Users when
// it is set.
type Stores struct {
	Users    user.Store
	Sessions session.Store
	Limits   ratelimit.Store
	Flows    flow.Store
	// Social tests create their users through Users.
	Social social.Store
	Outbox mail.OutboxStore // its Atomic tests also need Users
	// MFA tests create their users through Users and run its Atomic.
	MFA mfa.Store
}

// Run runs the conformance suite. open is called once per subtest and must
// return stores over a fresh, empty database (cleaned up with t.Cleanup).
func Run(t *testing.T, open func(t *testing.T) Stores) {
	t.Helper()
	runGroup(t, open, "Users", "user.Store", userTests, func(s Stores) (user.Store, bool) { return s.Users, s.Users != nil })
	runGroup(t, open, "Sessions", "session.Store", sessionTests, func(s Stores) (Stores, bool) { return s, s.Sessions != nil })
	runGroup(t, open, "Social", "social.Store", socialTests, func(s Stores) (Stores, bool) { return s, s.Social != nil && s.Users != nil })
	runGroup(t, open, "MFA", "mfa.Store", mfaTests, func(s Stores) (Stores, bool) { return s, s.MFA != nil && s.Users != nil })
	runGroup(t, open, "Flows", "flow.Store", flowTests, func(s Stores) (flow.Store, bool) { return s.Flows, s.Flows != nil })
	runGroup(t, open, "Outbox", "mail.OutboxStore", outboxTests, func(s Stores) (Stores, bool) { return s, s.Outbox != nil })
	runGroup(t, open, "RateLimit", "ratelimit.Store", limitTests, func(s Stores) (ratelimit.Store, bool) { return s.Limits, s.Limits != nil })
}

// storeTest is one conformance test of the store S that it takes.
type storeTest[S any] struct {
	name string
	fn   func(t *testing.T, s S)
}

// runGroup runs tests as subtests "<prefix>/<name>", each over fresh
// stores from open; pick says whether they hold what the group tests (a
// subtest without it is skipped, naming what is missing).
func runGroup[S any](t *testing.T, open func(t *testing.T) Stores, prefix, what string, tests []storeTest[S], pick func(Stores) (S, bool)) {
	t.Helper()
	for _, tc := range tests {
		t.Run(prefix+"/"+tc.name, func(t *testing.T) {
			s, ok := pick(open(t))
			if !ok {
				t.Skip("no " + what)
			}
			tc.fn(t, s)
		})
	}
}

// userTest is one test of a user.Store.
type userTest = storeTest[user.Store]

var userTests = []userTest{
	{"RoundTrip", testUserRoundTrip},
	{"UpdateUser", testUpdateUser},
	{"NotFound", testNotFound},
	{"ListAndCount", testListAndCount},
	{"Skeleton", testSkeleton},
	{"DuplicateUsername", testDuplicateUsername},
	{"DuplicateEmail", testDuplicateEmail},
	{"ConcurrentSignupUsername", testConcurrentUsername},
	{"ConcurrentSignupEmail", testConcurrentEmail},
	{"Groups", testGroups},
	{"Permissions", testPermissions},
	{"PermissionCodes", testPermissionCodes},
	{"DeleteGroupCascades", testDeleteGroup},
	{"Emails", testEmails},
	{"VerifyEmail", testVerifyEmail},
	{"CompareAndSetPassword", testCompareAndSetPassword},
	{"PrimaryAndRemoveEmail", testPrimaryAndRemoveEmail},
	{"AtomicRollback", testAtomicRollback},
	{"AtomicCommit", testAtomicCommit},
	{"AtomicNested", testAtomicNested},
	{"AtomicPanic", testAtomicPanic},
}

// base is a timestamp with microseconds, in a zone other than UTC, so that a
// store that drops precision or the instant shows it.
var base = time.Date(2026, 3, 14, 15, 9, 26, 535897000, time.FixedZone("UTC+3:30", 3*3600+1800))

// newUser returns a user with every field set.
func newUser(username, email string) *user.User {
	return &user.User{
		Username:    username,
		Email:       email,
		FirstName:   "Ada",
		LastName:    "Lovelace",
		Password:    "argon2$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
		Language:    "ru",
		IsActive:    true,
		IsStaff:     false,
		IsSuperuser: false,
		DateJoined:  base,
	}
}

// create stores a user or fails the test.
func create(t *testing.T, s user.Store, username, email string) *user.User {
	t.Helper()
	u := newUser(username, email)
	if err := s.CreateUser(t.Context(), u); err != nil {
		t.Fatalf("CreateUser(%q, %q): %v", username, email, err)
	}
	if u.ID == 0 {
		t.Fatalf("CreateUser(%q) did not set ID", username)
	}
	return u
}

// diffUser describes how got differs from want ("" when equal).
func diffUser(want, got *user.User) string {
	if got == nil {
		return "got nil user"
	}
	var d string
	add := func(field string, w, g any) { d += fmt.Sprintf("\n  %s: got %v, want %v", field, g, w) }
	if got.ID != want.ID {
		add("ID", want.ID, got.ID)
	}
	if got.Username != want.Username {
		add("Username", want.Username, got.Username)
	}
	if got.Email != want.Email {
		add("Email", want.Email, got.Email)
	}
	if got.FirstName != want.FirstName {
		add("FirstName", want.FirstName, got.FirstName)
	}
	if got.LastName != want.LastName {
		add("LastName", want.LastName, got.LastName)
	}
	if got.Password != want.Password {
		add("Password", want.Password, got.Password)
	}
	if got.Language != want.Language {
		add("Language", want.Language, got.Language)
	}
	if got.IsActive != want.IsActive || got.IsStaff != want.IsStaff || got.IsSuperuser != want.IsSuperuser {
		add("IsActive/IsStaff/IsSuperuser",
			[]bool{want.IsActive, want.IsStaff, want.IsSuperuser}, []bool{got.IsActive, got.IsStaff, got.IsSuperuser})
	}
	if !got.DateJoined.Equal(want.DateJoined) {
		add("DateJoined", want.DateJoined, got.DateJoined)
	}
	if !got.LastLogin.Equal(want.LastLogin) || got.LastLogin.IsZero() != want.LastLogin.IsZero() {
		add("LastLogin", want.LastLogin, got.LastLogin)
	}
	return d
}

// wantDuplicate fails unless err is a *user.DuplicateError for field.
func wantDuplicate(t *testing.T, err error, field, what string) {
	t.Helper()
	var dup *user.DuplicateError
	switch {
	case err == nil:
		t.Errorf("%s: no error, want duplicate %s", what, field)
	case !errors.As(err, &dup):
		t.Errorf("%s: %v, want *user.DuplicateError{%q}", what, err, field)
	case dup.Field != field:
		t.Errorf("%s: duplicate %q, want %q", what, dup.Field, field)
	case !errors.Is(err, user.ErrDuplicate):
		t.Errorf("%s: %v does not wrap user.ErrDuplicate", what, err)
	}
}

// wantNotFound fails unless err wraps user.ErrNotFound.
func wantNotFound(t *testing.T, err error, what string) {
	t.Helper()
	if !errors.Is(err, user.ErrNotFound) {
		t.Errorf("%s: %v, want user.ErrNotFound", what, err)
	}
}

// check fails the test at once on an unexpected error.
func check(t *testing.T, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}
