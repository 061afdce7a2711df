package djangoimport

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"
	"github.com/go-webauthn/webauthn/protocol/webauthncose"

	"github.com/gatehouse-auth/gatehouse/mfa"
	"github.com/gatehouse-auth/gatehouse/sqlstore"
)

// testKey is a security key as the tests make one: an ECDSA P-256
// credential registered with attestation "none", as mfa's softKey
// (mfa/softkey_test.go) answers navigator.credentials.create.
type testKey struct {
	priv *ecdsa.PrivateKey
	id   []byte
}

var b64u = base64.RawURLEncoding

func newTestKey(t *testing.T) *testKey {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	id := make([]byte, 32)
	rand.Read(id)
	return &testKey{priv: priv, id: id}
}

func ctap2(t *testing.T, v any) []byte {
	t.Helper()
	m, err := cbor.CTAP2EncOptions().EncMode()
	if err != nil {
		t.Fatal(err)
	}
	b, err := m.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func authData(rpID string, flags byte, count uint32, attested []byte) []byte {
	h := sha256.Sum256([]byte(rpID))
	out := append(h[:], flags)
	out = binary.BigEndian.AppendUint32(out, count)
	return append(out, attested...)
}

// registration is allauth's data["credential"] of k: the browser's
// registration response for user handle handle (rk: discoverable).
func (k *testKey) registration(t *testing.T, handle string, rk bool) string {
	t.Helper()
	cose := ctap2(t, map[int]any{1: 2, 3: -7, -1: 1,
		-2: k.priv.PublicKey.X.FillBytes(make([]byte, 32)), -3: k.priv.PublicKey.Y.FillBytes(make([]byte, 32))})
	att := make([]byte, 16) // AAGUID: zero
	att = binary.BigEndian.AppendUint16(att, uint16(len(k.id)))
	att = append(att, k.id...)
	att = append(att, cose...)
	attObj := ctap2(t, map[string]any{"fmt": "none", "attStmt": map[string]any{},
		"authData": authData("example.com", 0x01|0x04|0x40, 0, att)})
	cd, _ := json.Marshal(map[string]any{"type": "webauthn.create", "origin": "https://example.com", "crossOrigin": false,
		"challenge": b64u.EncodeToString([]byte("challenge of " + handle))})
	b, err := json.Marshal(map[string]any{
		"id": b64u.EncodeToString(k.id), "rawId": b64u.EncodeToString(k.id), "type": "public-key",
		"response": map[string]any{
			"clientDataJSON":    b64u.EncodeToString(cd),
			"attestationObject": b64u.EncodeToString(attObj),
			"transports":        []string{"usb", "nfc"},
		},
		"clientExtensionResults":  map[string]any{"credProps": map[string]any{"rk": rk}},
		"authenticatorAttachment": "cross-platform",
	})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// storedKey is the Data of an imported TypeWebAuthn authenticator.
type storedKey struct {
	Name       string `json:"name"`
	UserHandle []byte `json:"user_handle"`
	Passkey    bool   `json:"passkey"`
	Credential struct {
		ID        []byte `json:"id"`
		PublicKey []byte `json:"publicKey"`
	} `json:"credential"`
}

// TestImportWebAuthn: allauth's security keys and passkeys come over with
// their credential id and public key (an assertion signed by the key
// verifies against the stored key), their name and allauth's user handle
// (base36 of the old pk); the recovery codes of a user whose factor is a
// key come too; a credential that does not parse, one already another
// user's and one of a user with no pk in the file are skipped with their
// reason; a second import adds nothing.
func TestImportWebAuthn(t *testing.T) {
	c := allauthCases(t)[0]
	ka, kc, kd := newTestKey(t), newTestKey(t), newTestKey(t)
	catCred, _ := json.Marshal(kc.registration(t, "11", false)) // a JSON string holding it
	dump := `[
{"model": "auth.user", "pk": 1000, "fields": {"username": "ann", "password": "md5$s$x"}},
{"model": "auth.user", "pk": 5, "fields": {"username": "bob", "password": "md5$s$x"}},
{"model": "auth.user", "pk": 37, "fields": {"username": "cat", "password": "md5$s$x"}},
{"model": "mfa.authenticator", "pk": 1, "fields": {"user": 1000, "type": "recovery_codes",
  "data": {"seed": "` + c.Seed + `", "used_mask": 1}, "created_at": "2024-05-01T10:00:00Z"}},
{"model": "mfa.authenticator", "pk": 2, "fields": {"user": 1000, "type": "webauthn",
  "data": {"name": "YubiKey 5C", "credential": ` + ka.registration(t, "rs", true) + `},
  "created_at": "2024-05-01T10:00:00Z", "last_used_at": "2024-06-01T08:00:00Z"}},
{"model": "mfa.authenticator", "pk": 3, "fields": {"user": 5, "type": "webauthn",
  "data": {"name": "Broken", "credential": {"id": "AAAA", "rawId": "AAAA", "type": "public-key", "response": {"clientDataJSON": "e30", "attestationObject": "oA"}}}}},
{"model": "mfa.authenticator", "pk": 4, "fields": {"user": 5, "type": "webauthn",
  "data": {"name": "Ann's key again", "credential": ` + ka.registration(t, "rs", true) + `}}},
{"model": "mfa.authenticator", "pk": 5, "fields": {"user": 5, "type": "recovery_codes",
  "data": {"seed": "` + c.Seed + `", "used_mask": 0}}},
{"model": "mfa.authenticator", "pk": 6, "fields": {"user": ["cat"], "type": "webauthn",
  "data": {"name": "Laptop", "credential": ` + string(catCred) + `}}},
{"model": "mfa.authenticator", "pk": 7, "fields": {"user": ["dan"], "type": "webauthn",
  "data": {"name": "Phone", "credential": ` + kd.registration(t, "x", true) + `}}}
]`
	eachBackend(t, func(t *testing.T, db *sqlstore.DB) {
		// dan is in the store, not in the file: his old pk is unknown.
		runImport(t, db, []byte(`[{"model": "auth.user", "pk": 9, "fields": {"username": "dan", "password": "md5$s$x"}}]`), Options{})

		rep := runImport(t, db, []byte(dump), mfaOptions(testRing))
		wantCount(t, rep, KindAuthenticator, 7, 3, 4)
		cnt := rep.Count(KindAuthenticator)
		for reason, n := range map[string]int{ReasonWebAuthn: 1, ReasonCredentialTaken: 1, ReasonNoTOTP: 1, ReasonNoUserHandle: 1} {
			if got := cnt.SkippedFor(reason); got != n {
				t.Errorf("skipped for %q: %d, want %d (%s)", reason, got, n, cnt)
			}
		}
		if s := rep.String(); !strings.Contains(s, "mfa.authenticator: 7 read, 3 imported, 4 skipped (webauthn credential does not parse: 1 [e.g. record 5: user pk 5: parse_error") ||
			!strings.Contains(s, "webauthn credential stored for another user: 1 [e.g. record 6: user pk 5]") {
			t.Errorf("report:\n%s", s)
		}

		ann := mustUser(t, db, "ann")
		as := authenticators(t, db, ann.ID)
		key, rc := as[mfa.TypeWebAuthn], as[mfa.TypeRecoveryCodes]
		if key == nil || rc == nil || len(as) != 2 {
			t.Fatalf("ann's authenticators %v", as)
		}
		if !bytes.Equal(key.CredentialID, ka.id) || !key.CreatedAt.Equal(time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)) ||
			!key.LastUsedAt.Equal(time.Date(2024, 6, 1, 8, 0, 0, 0, time.UTC)) {
			t.Errorf("key: credential %x (want %x), created %v, used %v", key.CredentialID, ka.id, key.CreatedAt, key.LastUsedAt)
		}
		var d storedKey
		if err := json.Unmarshal(key.Data, &d); err != nil {
			t.Fatal(err)
		}
		if d.Name != "YubiKey 5C" || string(d.UserHandle) != "rs" || !d.Passkey || !bytes.Equal(d.Credential.ID, ka.id) {
			t.Errorf("key data: name %q, user handle %q (want base36(1000) = rs), passkey %v", d.Name, d.UserHandle, d.Passkey)
		}
		pub, err := webauthncose.ParsePublicKey(d.Credential.PublicKey)
		if err != nil {
			t.Fatalf("stored public key: %v", err)
		}
		// An assertion ann's key signs: authenticator data ‖ SHA-256(client data).
		cdHash := sha256.Sum256([]byte(`{"type":"webauthn.get","challenge":"x","origin":"https://example.com"}`))
		signed := append(authData("example.com", 0x05, 1, nil), cdHash[:]...)
		digest := sha256.Sum256(signed)
		sig, err := ecdsa.SignASN1(rand.Reader, ka.priv, digest[:])
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := webauthncose.VerifySignature(pub, signed, sig); !ok || err != nil {
			t.Errorf("ann's key's signature against the stored key: %v, %v", ok, err)
		}
		if ok, _ := webauthncose.VerifySignature(pub, append(signed, 0), sig); ok {
			t.Error("a signature over other data verifies")
		}
		var set mfa.RecoverySet
		if err := json.Unmarshal(rc.Data, &set); err != nil {
			t.Fatal(err)
		}
		if set.Left() != 9 || !set.Use(mfa.RecoveryKey(testRing), c.Codes[1]) {
			t.Errorf("ann's recovery codes: %d left", set.Left())
		}

		cat := mustUser(t, db, "cat")
		as = authenticators(t, db, cat.ID)
		d = storedKey{}
		if k := as[mfa.TypeWebAuthn]; k == nil || json.Unmarshal(k.Data, &d) != nil || string(d.UserHandle) != "11" || d.Passkey || d.Name != "Laptop" {
			t.Errorf("cat's key: %+v (want user handle base36(37) = 11, no passkey)", d)
		}
		for _, name := range []string{"bob", "dan"} {
			if as := authenticators(t, db, mustUser(t, db, name).ID); len(as) != 0 {
				t.Errorf("%s has authenticators %v", name, as)
			}
		}

		// Again: nothing is duplicated.
		rep = runImport(t, db, []byte(dump), mfaOptions(testRing))
		wantCount(t, rep, KindAuthenticator, 7, 0, 7)
		if n := rep.Count(KindAuthenticator).SkippedFor(ReasonExists); n != 3 {
			t.Errorf("second import: %d existing, want 3 (%s)", n, rep.Count(KindAuthenticator))
		}
		if as := authenticators(t, db, ann.ID); len(as) != 2 || !bytes.Equal(as[mfa.TypeWebAuthn].Data, key.Data) {
			t.Errorf("after a second import ann has %v", as)
		}
	})
}

// TestAllauthUserHandle: user_pk_to_url_str of allauth.
func TestAllauthUserHandle(t *testing.T) {
	for pk, want := range map[string]string{"0": "0", "35": "z", "36": "10", "1000": "rs", "9223372036854775807": "1y2p0ij32e8e7",
		"6f1c0f0e-3b8a-4c2e-9d7a-0123456789AB": "6f1c0f0e3b8a4c2e9d7a0123456789ab", "alice": "alice"} {
		if got := allauthUserHandle(pk); got != want {
			t.Errorf("pk %s: %q, want %q", pk, got, want)
		}
	}
}
