package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/session"
)

type sessionTest = storeTest[Stores]

var sessionTests = []sessionTest{
	{"RoundTrip", testSessionRoundTrip},
	{"Touch", testSessionTouch},
	{"ListAndDeleteUser", testSessionListDeleteUser},
	{"DeleteExpired", testSessionDeleteExpired},
}

// sessionUsers returns n user ids that sessions may refer to: real users when
// the backend has a user.Store (sessions may have a foreign key to them).
func sessionUsers(t *testing.T, s Stores, n int) []int64 {
	t.Helper()
	ids := make([]int64, n)
	for i := range ids {
		if s.Users == nil {
			ids[i] = int64(i + 1)
			continue
		}
		ids[i] = create(t, s.Users, fmt.Sprintf("sessionuser%d", i), "").ID
	}
	return ids
}

// newSession returns a session of user uid with every field set.
func newSession(uid int64, created time.Time) session.Session {
	_, id := session.NewToken()
	return session.Session{
		ID:         id,
		UserID:     uid,
		CreatedAt:  created,
		LastSeenAt: created.Add(90*time.Second + 3*time.Microsecond),
		ExpiresAt:  created.Add(14 * 24 * time.Hour),
		Remember:   true,
		IP:         "2001:db8::1",
		UserAgent:  "Mozilla/5.0 (X11; Linux x86_64) «тест» 🦊",
		AuthAt:     created.Add(time.Microsecond),
	}
}

func save(t *testing.T, st session.Store, ss ...session.Session) {
	t.Helper()
	for _, s := range ss {
		check(t, st.Save(t.Context(), s), "Save")
	}
}

// diffSession describes how got differs from want ("" when equal).
func diffSession(want, got session.Session) string {
	var d string
	add := func(field string, w, g any) { d += fmt.Sprintf("\n  %s: got %v, want %v", field, g, w) }
	if got.ID != want.ID {
		add("ID", want.ID, got.ID)
	}
	if got.UserID != want.UserID {
		add("UserID", want.UserID, got.UserID)
	}
	for _, f := range []struct {
		name string
		w, g time.Time
	}{
		{"CreatedAt", want.CreatedAt, got.CreatedAt},
		{"LastSeenAt", want.LastSeenAt, got.LastSeenAt},
		{"ExpiresAt", want.ExpiresAt, got.ExpiresAt},
		{"AuthAt", want.AuthAt, got.AuthAt},
	} {
		if !f.g.Equal(f.w) || f.g.IsZero() != f.w.IsZero() {
			add(f.name, f.w, f.g)
		}
	}
	if got.Remember != want.Remember {
		add("Remember", want.Remember, got.Remember)
	}
	if got.IP != want.IP {
		add("IP", want.IP, got.IP)
	}
	if got.UserAgent != want.UserAgent {
		add("UserAgent", want.UserAgent, got.UserAgent)
	}
	return d
}

// wantFind checks Find(id): found with want, or not found when want is nil.
func wantFind(t *testing.T, st session.Store, id string, want *session.Session, when string) {
	t.Helper()
	got, ok, err := st.Find(t.Context(), id)
	switch {
	case err != nil:
		t.Errorf("%s: Find: %v", when, err)
	case want == nil && ok:
		t.Errorf("%s: Find found session %+v, want none", when, got)
	case want != nil && !ok:
		t.Errorf("%s: Find found nothing", when)
	case want != nil:
		if d := diffSession(*want, got); d != "" {
			t.Errorf("%s: Find differs:%s", when, d)
		}
	}
}

func testSessionRoundTrip(t *testing.T, s Stores) {
	st := s.Sessions
	uids := sessionUsers(t, s, 2)
	a := newSession(uids[0], base)
	b := newSession(uids[1], base.Add(time.Hour))
	b.Remember, b.IP, b.UserAgent, b.AuthAt = false, "", "", time.Time{}
	save(t, st, a, b)
	wantFind(t, st, a.ID, &a, "saved session")
	wantFind(t, st, b.ID, &b, "session with empty fields")
	_, unknown := session.NewToken()
	wantFind(t, st, unknown, nil, "unknown id")
	wantFind(t, st, "", nil, "empty id")

	// Save with a known ID replaces every field.
	a2 := a
	a2.CreatedAt = base.Add(5 * time.Minute)
	a2.LastSeenAt = base.Add(6 * time.Minute)
	a2.ExpiresAt = base.Add(7 * time.Minute)
	a2.AuthAt = base.Add(8 * time.Minute)
	a2.Remember, a2.IP, a2.UserAgent = false, "192.0.2.7", "curl/8"
	save(t, st, a2)
	wantFind(t, st, a.ID, &a2, "replaced session")
	wantFind(t, st, b.ID, &b, "other session after replace")

	check(t, st.Delete(t.Context(), a.ID), "Delete")
	wantFind(t, st, a.ID, nil, "deleted session")
	wantFind(t, st, b.ID, &b, "other session after delete")
	check(t, st.Delete(t.Context(), a.ID), "Delete(already deleted)")
	check(t, st.Delete(t.Context(), unknown), "Delete(unknown)")
}

func testSessionTouch(t *testing.T, s Stores) {
	st := s.Sessions
	uids := sessionUsers(t, s, 1)
	a, b := newSession(uids[0], base), newSession(uids[0], base)
	save(t, st, a, b)
	at := base.Add(17*time.Minute + 11*time.Microsecond)
	check(t, st.Touch(t.Context(), a.ID, at), "Touch")
	want := a
	want.LastSeenAt = at
	wantFind(t, st, a.ID, &want, "touched session")
	wantFind(t, st, b.ID, &b, "untouched session")
	_, unknown := session.NewToken()
	check(t, st.Touch(t.Context(), unknown, at), "Touch(unknown)")
	wantFind(t, st, unknown, nil, "Touch(unknown) must not create a session")
}

func sessionIDs(ss []session.Session) []string {
	var ids []string
	for _, s := range ss {
		ids = append(ids, s.ID)
	}
	return ids
}

func testSessionListDeleteUser(t *testing.T, s Stores) {
	ctx := t.Context()
	st := s.Sessions
	uids := sessionUsers(t, s, 3)
	var mine []session.Session
	for i := range 4 { // saved out of order: 0, 2, 1, 3 hours after base
		mine = append(mine, newSession(uids[0], base.Add(time.Duration((i*2)%4+i/2)*time.Hour)))
	}
	theirs := newSession(uids[1], base.Add(10*time.Hour))
	save(t, st, mine...)
	save(t, st, theirs)

	byNewest := slices.Clone(mine)
	slices.SortFunc(byNewest, func(a, b session.Session) int { return b.CreatedAt.Compare(a.CreatedAt) })
	list, err := st.ListUser(ctx, uids[0])
	check(t, err, "ListUser")
	if !slices.Equal(sessionIDs(list), sessionIDs(byNewest)) {
		t.Errorf("ListUser = %v, want newest first %v", sessionIDs(list), sessionIDs(byNewest))
	}
	for i := range list {
		if d := diffSession(byNewest[i], list[i]); d != "" {
			t.Errorf("ListUser[%d] differs:%s", i, d)
		}
	}
	if list, err := st.ListUser(ctx, uids[2]); err != nil || len(list) != 0 {
		t.Errorf("ListUser(no sessions) = %v, %v", sessionIDs(list), err)
	}

	keep := byNewest[1]
	check(t, st.DeleteUser(ctx, uids[0], keep.ID), "DeleteUser(except)")
	list, err = st.ListUser(ctx, uids[0])
	check(t, err, "ListUser")
	if !slices.Equal(sessionIDs(list), []string{keep.ID}) {
		t.Errorf("after DeleteUser(except) ListUser = %v, want only %s", sessionIDs(list), keep.ID)
	}
	for _, m := range mine {
		if m.ID != keep.ID {
			wantFind(t, st, m.ID, nil, "session ended by DeleteUser")
		}
	}
	wantFind(t, st, theirs.ID, &theirs, "another user's session")

	// except names another user's session: it must not shield anything, nor die.
	check(t, st.DeleteUser(ctx, uids[0], theirs.ID), "DeleteUser(foreign except)")
	wantFind(t, st, keep.ID, nil, "kept session after DeleteUser with a foreign except")
	wantFind(t, st, theirs.ID, &theirs, "foreign except")
	check(t, st.DeleteUser(ctx, uids[1], ""), "DeleteUser(all)")
	wantFind(t, st, theirs.ID, nil, "after DeleteUser(all)")
	check(t, st.DeleteUser(ctx, uids[2], ""), "DeleteUser(user without sessions)")
}

func testSessionDeleteExpired(t *testing.T, s Stores) {
	ctx := t.Context()
	st := s.Sessions
	uids := sessionUsers(t, s, 1)
	now := base.Add(30 * 24 * time.Hour)
	idleBefore := now.Add(-2 * time.Hour)
	mk := func(expires, lastSeen time.Time) session.Session {
		ss := newSession(uids[0], base)
		ss.ExpiresAt, ss.LastSeenAt = expires, lastSeen
		return ss
	}
	expired := mk(now.Add(-time.Microsecond), now.Add(-time.Minute))
	idle := mk(now.Add(time.Hour), idleBefore.Add(-time.Microsecond))
	both := mk(now.Add(-time.Hour), idleBefore.Add(-time.Hour))
	fresh := mk(now.Add(time.Hour), now.Add(-time.Minute))
	edge := mk(now, idleBefore) // "before" is strict: both survive
	save(t, st, expired, idle, both, fresh, edge)

	n, err := st.DeleteExpired(ctx, now, idleBefore)
	check(t, err, "DeleteExpired")
	if n != 3 {
		t.Errorf("DeleteExpired removed %d sessions, want 3", n)
	}
	for _, gone := range []session.Session{expired, idle, both} {
		wantFind(t, st, gone.ID, nil, "expired or idle session")
	}
	wantFind(t, st, fresh.ID, &fresh, "fresh session")
	wantFind(t, st, edge.ID, &edge, "session exactly at the limits")
	if n, err := st.DeleteExpired(ctx, now, idleBefore); err != nil || n != 0 {
		t.Errorf("second DeleteExpired = %d, %v; want 0", n, err)
	}
}
