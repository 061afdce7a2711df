package mfa_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse/mfa"
)

// allauthRegistration is what allauth kept of a key made by k for the
// user handle (allauth's data["credential"]), at another site's origin
// with the same relying party id: the ceremony's challenge is long gone.
func allauthRegistration(t *testing.T, k *softKey, handle string, o keyOpts) []byte {
	t.Helper()
	opts, _ := json.Marshal(map[string]any{"publicKey": map[string]any{
		"challenge": b64.EncodeToString([]byte("allauth's challenge")),
		"rp":        map[string]any{"id": "gatehouse.example"},
		"user":      map[string]any{"id": b64.EncodeToString([]byte(handle))},
	}})
	return k.create(opts, "https://gatehouse.example", o)
}

// TestImportAllauthWebAuthn: a key allauth registered, imported with its
// user handle, signs in as a passkey and passes the second factor; a key
// made without user verification is a security key; what does not parse,
// or whose credential id is not its rawId, is refused.
func TestImportAllauthWebAuthn(t *testing.T) {
	e, _ := waEnv(t)
	ctx := context.Background()
	e.relaxLock()
	ann := e.user("ann")
	k := newSoftKey(t)
	data, id, err := mfa.ImportAllauthWebAuthn("  My\tYubiKey ", allauthRegistration(t, k, "2s", keyOpts{}), []byte("2s"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(id, k.id) {
		t.Fatalf("credential id %x, want %x", id, k.id)
	}
	if err := e.db.AddAuthenticator(ctx, &mfa.Authenticator{UserID: ann.ID, Type: mfa.TypeWebAuthn, Data: data,
		CreatedAt: e.clock.Now(), CredentialID: id}); err != nil {
		t.Fatal(err)
	}
	if ks := e.keys(ann); len(ks) != 1 || ks[0].Name != "My YubiKey" || !ks[0].Passkey {
		t.Fatalf("keys %+v, want one passkey named My YubiKey", ks)
	}
	var d struct {
		Credential struct {
			AttestationType string `json:"attestationType"`
			Flags           struct {
				UserPresent, UserVerified bool
			} `json:"flags"`
		} `json:"credential"`
		UserHandle []byte `json:"user_handle"`
	}
	if err := json.Unmarshal(data, &d); err != nil || d.Credential.AttestationType != "none" || string(d.UserHandle) != "2s" {
		t.Errorf("data %s: %v", data, err)
	}

	l, err := e.passkeyLogin(k, keyOpts{})
	if err != nil || l.UserID != ann.ID {
		t.Fatalf("passkey login with the imported key: %+v, %v", l, err)
	}
	// The user handle must be the one the key holds.
	k2 := newSoftKey(t)
	data, id, err = mfa.ImportAllauthWebAuthn("Other", allauthRegistration(t, k2, "2s", keyOpts{}), []byte("2t"))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.AddAuthenticator(ctx, &mfa.Authenticator{UserID: ann.ID, Type: mfa.TypeWebAuthn, Data: data,
		CreatedAt: e.clock.Now(), CredentialID: id}); err != nil {
		t.Fatal(err)
	}
	_, err = e.passkeyLogin(k2, keyOpts{})
	wantCode(t, "passkey login with another user handle", err, mfa.CodeWebAuthnFailed)

	// A security key (no user verification) is no passkey.
	k3 := newSoftKey(t)
	data, _, err = mfa.ImportAllauthWebAuthn("", allauthRegistration(t, k3, "2s", keyOpts{noUV: true}), []byte("2s"))
	if err != nil {
		t.Fatal(err)
	}
	var sk struct {
		Name    string `json:"name"`
		Passkey bool   `json:"passkey"`
	}
	if json.Unmarshal(data, &sk); sk.Passkey || sk.Name != "Security key" {
		t.Errorf("a key without user verification: %s", data)
	}

	good := string(allauthRegistration(t, newSoftKey(t), "2s", keyOpts{}))
	var m map[string]any
	json.Unmarshal([]byte(good), &m)
	m["rawId"], m["id"] = b64.EncodeToString([]byte("another")), b64.EncodeToString([]byte("another"))
	otherID, _ := json.Marshal(m)
	for name, bad := range map[string]string{
		"empty":            "",
		"not JSON":         "{",
		"no response":      `{"id":"AA","rawId":"AA","type":"public-key"}`,
		"other rawId":      string(otherID),
		"truncated attObj": strings.Replace(good, `"attestationObject":"`, `"attestationObject":"o2NmbXRk`, 1)[:len(good)/2] + `"}}`,
	} {
		if _, _, err := mfa.ImportAllauthWebAuthn("x", []byte(bad), []byte("2s")); err == nil {
			t.Errorf("%s: imported", name)
		}
	}
	if _, _, err := mfa.ImportAllauthWebAuthn("x", []byte(good), nil); err == nil {
		t.Error("no user handle: imported")
	}
}
