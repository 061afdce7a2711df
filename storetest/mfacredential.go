package storetest

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/gatehouse-auth/gatehouse/mfa"
	"github.com/gatehouse-auth/gatehouse/user"
)

// testMFACredentialID: a WebAuthn credential id round-trips, is found
// whoever's it is, and is stored once over every user (a credential belongs
// to one user); factors without one store none, and any number of them.
func testMFACredentialID(t *testing.T, s Stores) {
	ctx := t.Context()
	ann := create(t, s.Users, "ann-cred", "")
	bob := create(t, s.Users, "bob-cred", "")
	id := []byte{0x00, 0xff, 0x10, 'k', 0x00}
	key := &mfa.Authenticator{UserID: ann.ID, Type: mfa.TypeWebAuthn, Data: json.RawMessage(`{"name":"key"}`), CreatedAt: base, CredentialID: id}
	check(t, s.MFA.AddAuthenticator(ctx, key), "AddAuthenticator(webauthn)")
	addAuth(t, s.MFA, ann.ID, mfa.TypeTOTP, `{}`)
	addAuth(t, s.MFA, bob.ID, mfa.TypeTOTP, `{}`)
	got, err := s.MFA.AuthenticatorByCredential(ctx, id)
	check(t, err, "AuthenticatorByCredential")
	if got.ID != key.ID || got.UserID != ann.ID || !bytes.Equal(got.CredentialID, id) {
		t.Errorf("AuthenticatorByCredential = %+v, want ann's key %d", got, key.ID)
	}
	for _, a := range authenticators(t, s.MFA, ann.ID) {
		if a.Type == mfa.TypeTOTP && a.CredentialID != nil {
			t.Errorf("a TOTP authenticator has credential id %x", a.CredentialID)
		}
		if a.Type == mfa.TypeWebAuthn && !bytes.Equal(a.CredentialID, id) {
			t.Errorf("listed credential id %x, want %x", a.CredentialID, id)
		}
	}
	for _, uid := range []int64{ann.ID, bob.ID} {
		err := s.MFA.AddAuthenticator(ctx, &mfa.Authenticator{UserID: uid, Type: mfa.TypeWebAuthn, Data: json.RawMessage(`{}`), CreatedAt: base, CredentialID: id})
		if !errors.Is(err, user.ErrDuplicate) {
			t.Errorf("the same credential again for user %d: %v, want user.ErrDuplicate", uid, err)
		}
	}
	wantNotFound(t, func() error { _, err := s.MFA.AuthenticatorByCredential(ctx, []byte("none")); return err }(), "AuthenticatorByCredential(unknown)")
	check(t, s.MFA.DeleteAuthenticator(ctx, ann.ID, key.ID), "DeleteAuthenticator")
	wantNotFound(t, func() error { _, err := s.MFA.AuthenticatorByCredential(ctx, id); return err }(), "AuthenticatorByCredential(deleted)")
	other := &mfa.Authenticator{UserID: bob.ID, Type: mfa.TypeWebAuthn, Data: json.RawMessage(`{}`), CreatedAt: base, CredentialID: id}
	check(t, s.MFA.AddAuthenticator(ctx, other), "AddAuthenticator(after delete)")
}
