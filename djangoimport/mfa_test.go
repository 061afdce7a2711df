package djangoimport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/keys"
	"github.com/gatehouse-auth/gatehouse/mfa"
	"github.com/gatehouse-auth/gatehouse/sqlstore"
)

// allauthCase is one case of testdata/allauth_recovery_codes.json: the codes
// allauth derives from a seed (written by allauth_recovery_codes.py).
type allauthCase struct {
	Seed   string   `json:"seed"`
	Count  int      `json:"count"`
	Digits int      `json:"digits"`
	Codes  []string `json:"codes"`
}

func allauthCases(t *testing.T) []allauthCase {
	t.Helper()
	var cs []allauthCase
	if err := json.Unmarshal(readFile(t, "testdata/allauth_recovery_codes.json"), &cs); err != nil {
		t.Fatal(err)
	}
	if len(cs) == 0 {
		t.Fatal("no cases")
	}
	return cs
}

// TestAllauthRecoveryCodes: the Go derivation of allauth's recovery codes
// gives what allauth's Python gives, for several counts and lengths.
func TestAllauthRecoveryCodes(t *testing.T) {
	for _, c := range allauthCases(t) {
		got := allauthRecoveryCodes(c.Seed, c.Count, c.Digits)
		if !slices.Equal(got, c.Codes) {
			t.Errorf("seed %.8s… count %d digits %d: got %v…, want %v…", c.Seed, c.Count, c.Digits, got[:3], c.Codes[:3])
		}
	}
}

// The TOTP secrets of mfaDump: ann's as allauth stores it (plain base32),
// bob's as a custom encrypt() left it.
const (
	annSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	catSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
)

// mfaDump is allauth's mfa app over four users: ann has an app and
// recovery codes from a seed (codes 0 and 2 used), bob an encrypted secret
// and codes, cat an app (data as a text column of old allauth) and
// migrated codes, dan a passkey and codes; plus rows of a user not in the
// file, a second app of ann and a type allauth never had.
var mfaDump = `[
{"model": "auth.user", "pk": 1, "fields": {"username": "ann", "password": "md5$s$x"}},
{"model": "auth.user", "pk": 2, "fields": {"username": "bob", "password": "md5$s$x"}},
{"model": "auth.user", "pk": 3, "fields": {"username": "cat", "password": "md5$s$x"}},
{"model": "auth.user", "pk": 4, "fields": {"username": "dan", "password": "md5$s$x"}},
{"model": "mfa.authenticator", "pk": 1, "fields": {"user": 1, "type": "recovery_codes",
  "data": {"seed": "SEED", "used_mask": 5}, "created_at": "2024-05-01T10:00:00Z", "last_used_at": null}},
{"model": "mfa.authenticator", "pk": 2, "fields": {"user": 1, "type": "totp",
  "data": {"secret": "` + annSecret + `"}, "created_at": "2024-05-01T10:00:00Z", "last_used_at": "2024-06-02T11:30:00.5Z"}},
{"model": "mfa.authenticator", "pk": 3, "fields": {"user": 2, "type": "totp",
  "data": {"secret": "gAAAAABmZ2V0LWVuY3J5cHRlZC1ieS1mZXJuZXQ="}, "created_at": "2024-05-01T10:00:00Z"}},
{"model": "mfa.authenticator", "pk": 4, "fields": {"user": 2, "type": "recovery_codes",
  "data": {"seed": "SEED", "used_mask": 0}, "created_at": "2024-05-01T10:00:00Z"}},
{"model": "mfa.authenticator", "pk": 5, "fields": {"user": 3, "type": "totp",
  "data": "{\"secret\": \"` + catSecret + `\"}"}},
{"model": "mfa.authenticator", "pk": 6, "fields": {"user": 3, "type": "recovery_codes",
  "data": {"migrated_codes": ["12345678", "87654321"]}, "created_at": "2024-05-01T10:00:00Z"}},
{"model": "mfa.authenticator", "pk": 7, "fields": {"user": 4, "type": "webauthn",
  "data": {"name": "YubiKey", "credential": {}}, "created_at": "2024-05-01T10:00:00Z"}},
{"model": "mfa.authenticator", "pk": 8, "fields": {"user": 4, "type": "recovery_codes",
  "data": {"seed": "SEED", "used_mask": 0}, "created_at": "2024-05-01T10:00:00Z"}},
{"model": "mfa.authenticator", "pk": 9, "fields": {"user": 99, "type": "totp", "data": {"secret": "` + annSecret + `"}}},
{"model": "mfa.authenticator", "pk": 10, "fields": {"user": 1, "type": "totp", "data": {"secret": "` + catSecret + `"}}},
{"model": "mfa.authenticator", "pk": 11, "fields": {"user": 1, "type": "sms", "data": {}}}
]`

func mfaOptions(r *keys.Ring) Options {
	return Options{MFAKeys: func() (*keys.Ring, error) { return r, nil }}
}

func authenticators(t *testing.T, db *sqlstore.DB, userID int64) map[string]*mfa.Authenticator {
	t.Helper()
	as, err := db.Authenticators(context.Background(), userID)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]*mfa.Authenticator{}
	for _, a := range as {
		m[a.Type] = a
	}
	return m
}

// TestImportAuthenticators: allauth's TOTP secret works as the user's
// authenticator app after the import, an unused allauth recovery code is
// taken and a used one is not; what cannot be imported is skipped with its
// reason; a second import adds nothing.
func TestImportAuthenticators(t *testing.T) {
	c := allauthCases(t)[0] // 10 codes of 8 digits: allauth's defaults
	if c.Count != 10 || c.Digits != 8 {
		t.Fatalf("first fixture case is %d codes of %d digits", c.Count, c.Digits)
	}
	dumpJSON := []byte(strings.ReplaceAll(mfaDump, "SEED", c.Seed))
	eachBackend(t, func(t *testing.T, db *sqlstore.DB) {
		rep := runImport(t, db, dumpJSON, mfaOptions(testRing))
		wantCount(t, rep, KindAuthenticator, 11, 4, 7)
		cnt := rep.Count(KindAuthenticator)
		for reason, n := range map[string]int{ReasonEncrypted: 1, ReasonNoTOTP: 2, ReasonWebAuthn: 1,
			"user not in file": 1, ReasonAuthenticatorRepeated: 1, "unknown authenticator type": 1} {
			if got := cnt.SkippedFor(reason); got != n {
				t.Errorf("skipped for %q: %d, want %d (%s)", reason, got, n, cnt)
			}
		}
		if s := rep.String(); !strings.Contains(s, "mfa.authenticator: 11 read, 4 imported, 7 skipped") ||
			strings.Contains(s, annSecret) || strings.Contains(s, c.Codes[1]) {
			t.Errorf("report:\n%s", s)
		}

		ann := mustUser(t, db, "ann")
		as := authenticators(t, db, ann.ID)
		app := as[mfa.TypeTOTP]
		if app == nil || as[mfa.TypeRecoveryCodes] == nil || len(as) != 2 {
			t.Fatalf("ann's authenticators %v", as)
		}
		if bytes.Contains(app.Data, []byte(annSecret)) {
			t.Error("the TOTP secret is stored in plain text")
		}
		if !app.CreatedAt.Equal(time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)) ||
			!app.LastUsedAt.Equal(time.Date(2024, 6, 2, 11, 30, 0, 500e6, time.UTC)) {
			t.Errorf("TOTP dates %v, %v", app.CreatedAt, app.LastUsedAt)
		}
		secret, err := mfa.OpenTOTPSecret(testRing, app)
		if err != nil || secret != annSecret {
			t.Fatalf("opened secret %q, %v", secret, err)
		}
		now := time.Now()
		code, err := mfa.TOTP{}.Code(annSecret, now) // what ann's authenticator app shows
		if err != nil {
			t.Fatal(err)
		}
		if _, ok, err := (mfa.TOTP{}).Verify(secret, code, now); !ok || err != nil {
			t.Errorf("code %s of allauth's secret: %v, %v", code, ok, err)
		}
		if _, err := mfa.OpenTOTPSecret(otherRing, app); err == nil {
			t.Error("the secret opens under another site's key")
		}

		rc := as[mfa.TypeRecoveryCodes]
		if !rc.LastUsedAt.IsZero() {
			t.Errorf("recovery codes last used %v, want never", rc.LastUsedAt)
		}
		var set mfa.RecoverySet
		if err := json.Unmarshal(rc.Data, &set); err != nil {
			t.Fatal(err)
		}
		if set.Total != 10 || set.Left() != 8 || bytes.Contains(rc.Data, []byte(c.Codes[1])) {
			t.Errorf("recovery set: total %d, left %d, data %s", set.Total, set.Left(), rc.Data)
		}
		key := mfa.RecoveryKey(testRing)
		for i, used := range []bool{true, false, true, false} { // used_mask 5: codes 0 and 2
			if ok := set.Use(key, c.Codes[i]); ok == used {
				t.Errorf("allauth code %d (used %v): Use = %v", i, used, ok)
			}
		}
		if set.Use(key, c.Codes[1]) || set.Use(mfa.RecoveryKey(otherRing), c.Codes[9]) || !set.Use(key, c.Codes[9]) {
			t.Error("a code was taken twice, or under another key, or not at all")
		}

		cat := mustUser(t, db, "cat")
		as = authenticators(t, db, cat.ID)
		if s, err := mfa.OpenTOTPSecret(testRing, as[mfa.TypeTOTP]); err != nil || s != catSecret {
			t.Errorf("cat's secret %q, %v", s, err)
		}
		set = mfa.RecoverySet{}
		if err := json.Unmarshal(as[mfa.TypeRecoveryCodes].Data, &set); err != nil {
			t.Fatal(err)
		}
		if set.Total != 10 || set.Left() != 2 || !set.Use(key, "8765-4321") || !set.Use(key, "12345678") {
			t.Errorf("cat's migrated codes: total %d, left %d", set.Total, set.Left())
		}
		for _, name := range []string{"bob", "dan"} {
			if as := authenticators(t, db, mustUser(t, db, name).ID); len(as) != 0 {
				t.Errorf("%s has authenticators %v", name, as)
			}
		}

		// Again: what is there stays, nothing is added.
		before := authenticators(t, db, ann.ID)[mfa.TypeTOTP].Data
		rep = runImport(t, db, dumpJSON, mfaOptions(otherRing))
		wantCount(t, rep, KindAuthenticator, 11, 0, 11)
		if n := rep.Count(KindAuthenticator).SkippedFor(ReasonExists); n != 5 {
			t.Errorf("second import: %d existing, want 5 (%s)", n, rep.Count(KindAuthenticator))
		}
		if after := authenticators(t, db, ann.ID)[mfa.TypeTOTP].Data; !bytes.Equal(after, before) {
			t.Error("the second import changed ann's authenticator")
		}
	})
}

// TestImportAuthenticatorsWithoutKeys: with no Options.MFAKeys the rows
// are skipped and the rest imported; an error of MFAKeys writes nothing.
func TestImportAuthenticatorsWithoutKeys(t *testing.T) {
	dumpJSON := []byte(strings.ReplaceAll(mfaDump, "SEED", allauthCases(t)[0].Seed))
	db := openSQLite(t)
	rep := runImport(t, db, dumpJSON, Options{})
	if n := rep.Count(KindAuthenticator).SkippedFor(ReasonNoMFAKeys); n != 7 {
		t.Errorf("skipped for no keys: %d, want 7 (%s)", n, rep.Count(KindAuthenticator))
	}
	wantCount(t, rep, KindUser, 4, 4, 0)

	db = openSQLite(t)
	boom := errors.New("no secret key")
	_, err := Import(context.Background(), db, bytes.NewReader(dumpJSON),
		Options{MFAKeys: func() (*keys.Ring, error) { return nil, boom }})
	if !errors.Is(err, boom) {
		t.Fatalf("Import: %v, want %v", err, boom)
	}
	if us, err := db.ListUsers(context.Background(), 0, 10); err != nil || len(us) != 0 {
		t.Errorf("users after a failed import: %d, %v", len(us), err)
	}
}

// TestRecoveryCodeOptions: a site with other MFA_RECOVERY_CODE_* settings
// gets its own codes.
func TestRecoveryCodeOptions(t *testing.T) {
	var c allauthCase
	for _, x := range allauthCases(t) {
		if x.Count == 12 && x.Digits == 6 {
			c = x
		}
	}
	d := &allauthData{Seed: &c.Seed, UsedMask: json.Number("2048")}
	codes, total, ok := unusedRecoveryCodes(d, c.Count, c.Digits)
	if !ok || total != 12 || !slices.Equal(codes, c.Codes[:11]) {
		t.Errorf("codes %v, total %d, ok %v; want %v", codes, total, ok, c.Codes[:11])
	}
	for _, bad := range []allauthData{{Seed: new(string)}, {Seed: ptr(strings.Repeat("z", 80))},
		{MigratedCodes: &[]string{"12ab"}}, {}, {Seed: &c.Seed, UsedMask: "-1"}} {
		if _, _, ok := unusedRecoveryCodes(&bad, 10, 8); ok {
			t.Errorf("%+v taken", bad)
		}
	}
}

func ptr[T any](v T) *T { return &v }
