package djangoimport

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"testing"
)

// synthDump writes a dump of n users in the plain dumpdata shape: each in
// one of 10 groups, with one permission and one allauth address.
func synthDump(n int) []byte {
	var b bytes.Buffer
	b.WriteString("[\n")
	b.WriteString(`{"model": "contenttypes.contenttype", "pk": 1, "fields": {"app_label": "blog", "model": "post"}}`)
	for p := 1; p <= 4; p++ {
		fmt.Fprintf(&b, ",\n"+`{"model": "auth.permission", "pk": %d, "fields": {"name": "Can %d post", "content_type": 1, "codename": "p%d_post"}}`, p, p, p)
	}
	for g := 1; g <= 10; g++ {
		fmt.Fprintf(&b, ",\n"+`{"model": "auth.group", "pk": %d, "fields": {"name": "group%d", "permissions": [%d]}}`, g, g, 1+g%4)
	}
	for u := 1; u <= n; u++ {
		fmt.Fprintf(&b, ",\n"+`{"model": "auth.user", "pk": %d, "fields": {"password": "pbkdf2_sha256$260000$vsMPx7crU77v07IOjBMJQw$A3u7FJJqBR+dxQ9iselXIntLEXA77Y9hcocOeaEElR4=", "last_login": null, "is_superuser": false, "username": "user%d", "first_name": "First", "last_name": "Last", "email": "user%d@example.com", "is_staff": false, "is_active": true, "date_joined": "2021-03-04T12:30:15.123Z", "groups": [%d], "user_permissions": [%d]}}`,
			u, u, u, 1+u%10, 1+u%4)
		fmt.Fprintf(&b, ",\n"+`{"model": "account.emailaddress", "pk": %d, "fields": {"user": %d, "email": "user%d@example.com", "verified": true, "primary": true}}`, u, u, u)
	}
	b.WriteString("\n]\n")
	return b.Bytes()
}

// BenchmarkImport measures a first import of 10,000 users (b.N times, each
// into a fresh store) and reports users per second.
func BenchmarkImport(b *testing.B) {
	const users = 10_000
	data := synthDump(users)
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				db := be.open(b)
				b.StartTimer()
				rep, err := Import(context.Background(), db, bytes.NewReader(data), Options{})
				if err != nil {
					b.Fatal(err)
				}
				if rep.Count(KindUser).Imported != users {
					b.Fatalf("report:\n%s", rep)
				}
			}
			b.ReportMetric(float64(users*b.N)/b.Elapsed().Seconds(), "users/s")
		})
	}
}

// TestLargeDump: 5,000 users import into SQLite, with progress reports, and
// the parsed dump stays compact.
func TestLargeDump(t *testing.T) {
	if testing.Short() {
		t.Skip("large import: skipped with -short")
	}
	const users = 5_000
	data := synthDump(users)

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	d, err := parse(bytes.NewReader(data), &Options{})
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(d)
	if per := (int64(after.HeapAlloc) - int64(before.HeapAlloc)) / users; per > 600 {
		t.Errorf("the parsed dump takes %d bytes per user (a user, an address); want at most 600", per)
	}

	db := openSQLite(t)
	var calls []int
	rep, err := Import(context.Background(), db, bytes.NewReader(data), Options{
		Progress: func(done, total int) {
			if total != users {
				t.Errorf("progress total %d", total)
			}
			calls = append(calls, done)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) != users/ProgressEvery || calls[len(calls)-1] != users {
		t.Errorf("progress calls %v", calls)
	}
	wantCount(t, rep, KindUser, users, users, 0)
	wantCount(t, rep, KindMembership, users, users, 0)
	wantCount(t, rep, KindUserPermission, users, users, 0)
	wantCount(t, rep, KindEmailAddress, users, users, 0)
	wantCount(t, rep, KindUserEmail, users, 0, users)
	u := mustUser(t, db, "user1234")
	if got := emails(t, db, u.ID); len(got) != 1 || !got[0].verified || !got[0].primary {
		t.Errorf("user1234 emails %v", got)
	}
}
