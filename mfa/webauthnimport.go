package mfa

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/go-webauthn/webauthn/metadata"
	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/protocol/webauthncose"
	"github.com/go-webauthn/webauthn/webauthn"
)

// ImportAllauthWebAuthn returns the Data of a TypeWebAuthn authenticator
// and its credential id (for Authenticator.CredentialID) made from one of
// django-allauth's: name is the key's name, credentialJSON the browser's
// registration response allauth keeps as data["credential"]
// (PublicKeyCredential as JSON: id, rawId, type, response.clientDataJSON,
// response.attestationObject, optional transports, clientExtensionResults,
// authenticatorAttachment), and userHandle the user handle the credential
// was made with (allauth's is the user's pk as user_pk_to_url_str makes
// it: base36 of an integer pk, as ASCII).
//
// The attestation object is parsed, not verified again: the ceremony's
// challenge is long gone and allauth checked it when the key was added.
// The public key must parse, and the credential id of the authenticator
// data must be the response's rawId. The attestation type is "none" (no
// attestation was verified here). The key is a passkey when the browser
// reported it discoverable (credProps.rk) and the authenticator verified
// the user, as allauth's passwordless keys are. import-django calls it.
func ImportAllauthWebAuthn(name string, credentialJSON []byte, userHandle []byte) (data json.RawMessage, credentialID []byte, err error) {
	if len(credentialJSON) == 0 || len(credentialJSON) > maxCredentialJSON {
		return nil, nil, errors.New("mfa: allauth webauthn: no credential, or too long")
	}
	if len(userHandle) == 0 || len(userHandle) > 64 {
		return nil, nil, errors.New("mfa: allauth webauthn: a user handle is 1 to 64 bytes")
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(credentialJSON)
	if err != nil {
		var pe *protocol.Error
		if errors.As(err, &pe) {
			err = errors.New(strings.TrimSpace(pe.Type + ": " + pe.Details + " " + pe.DevInfo))
		}
		return nil, nil, fmt.Errorf("mfa: allauth webauthn: %w", err)
	}
	ad := parsed.Response.AttestationObject.AuthData
	if !ad.Flags.HasAttestedCredentialData() || len(ad.AttData.CredentialID) == 0 {
		return nil, nil, errors.New("mfa: allauth webauthn: the authenticator data holds no credential")
	}
	if len(ad.AttData.CredentialID) > 1023 || !bytes.Equal(ad.AttData.CredentialID, parsed.RawID) {
		return nil, nil, errors.New("mfa: allauth webauthn: the credential id of the authenticator data is not the response's rawId")
	}
	if _, err := webauthncose.ParsePublicKey(ad.AttData.CredentialPublicKey); err != nil {
		return nil, nil, fmt.Errorf("mfa: allauth webauthn: public key: %w", err)
	}
	sum := sha256.Sum256(parsed.Raw.AttestationResponse.ClientDataJSON)
	cred, err := webauthn.NewCredential(sum[:], parsed)
	if err != nil {
		return nil, nil, fmt.Errorf("mfa: allauth webauthn: %w", err)
	}
	cred.AttestationType = string(metadata.None)
	rk := parsed.ClientExtensionResults.CredProps != nil && parsed.ClientExtensionResults.CredProps.RK != nil && *parsed.ClientExtensionResults.CredProps.RK
	d := webauthnData{
		Name:       importedKeyName(name),
		Credential: *cred,
		UserHandle: bytes.Clone(userHandle),
		Passkey:    rk && cred.Flags.UserVerified,
	}
	if data, err = json.Marshal(d); err != nil {
		return nil, nil, fmt.Errorf("mfa: allauth webauthn: %w", err)
	}
	return data, bytes.Clone(cred.ID), nil
}

// importedKeyName is an imported key's name as cleanKeyName would take it,
// cut to maxKeyName characters; "Security key" when it is empty (allauth
// required a name, but a hand-made row may have none).
func importedKeyName(name string) string {
	name = strings.Join(strings.Fields(name), " ")
	if utf8.RuneCountInString(name) > maxKeyName {
		name = strings.TrimSpace(string([]rune(name)[:maxKeyName]))
	}
	if name == "" {
		return "Security key"
	}
	return name
}
