package mfa_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"testing"

	"github.com/fxamacker/cbor/v2"
)

// softKey is a software authenticator for the tests: one ECDSA P-256
// credential, answering the options of a Ceremony as a browser would hand
// its answer to the site (PublicKeyCredential as JSON, binary fields
// base64url without padding), with attestation "none".
type softKey struct {
	t      *testing.T
	priv   *ecdsa.PrivateKey
	id     []byte
	handle []byte // the user handle of the options it was created with
	count  uint32 // the last signature counter it reported
	// zeroCounter: the counter stays 0 (as a synced passkey's does).
	zeroCounter bool
}

// keyOpts are the knobs of one answer; the zero value is a well-behaved
// authenticator (user present and verified, counter one up).
type keyOpts struct {
	origin     string  // the origin in the client data, overriding the caller's
	rpID       string  // the rp id hashed into the authenticator data (default: the options')
	noUV, noUP bool    // clear the user-verified / user-present flags
	signCount  *uint32 // the counter reported (default: one up, or 0 with zeroCounter)
	userHandle []byte  // the user handle sent with an assertion (default: the key's)
	noHandle   bool    // send no user handle
	challenge  string  // answer this challenge instead of the options'
}

func newSoftKey(t *testing.T) *softKey {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	id := make([]byte, 32)
	rand.Read(id)
	return &softKey{t: t, priv: priv, id: id}
}

var b64 = base64.RawURLEncoding

// ctap2 encodes CBOR in the CTAP2 canonical form authenticators use.
var ctap2 = func() cbor.EncMode {
	m, err := cbor.CTAP2EncOptions().EncMode()
	if err != nil {
		panic(err)
	}
	return m
}()

// ceremonyOptions is what the key reads of navigator.credentials.create's
// or get's argument.
type ceremonyOptions struct {
	PublicKey struct {
		Challenge string `json:"challenge"`
		RP        struct {
			ID string `json:"id"`
		} `json:"rp"`
		RPID string `json:"rpId"`
		User struct {
			ID string `json:"id"`
		} `json:"user"`
	} `json:"publicKey"`
}

func (k *softKey) options(options []byte) ceremonyOptions {
	k.t.Helper()
	var o ceremonyOptions
	if err := json.Unmarshal(options, &o); err != nil {
		k.t.Fatalf("soft key: options %s: %v", options, err)
	}
	if o.PublicKey.Challenge == "" {
		k.t.Fatalf("soft key: options without a challenge: %s", options)
	}
	return o
}

func (k *softKey) clientData(typ, challenge, origin string) []byte {
	b, err := json.Marshal(map[string]any{"type": typ, "challenge": challenge, "origin": origin, "crossOrigin": false})
	if err != nil {
		k.t.Fatal(err)
	}
	return b
}

func (k *softKey) authData(rpID string, flags byte, count uint32, attested []byte) []byte {
	h := sha256.Sum256([]byte(rpID))
	out := append(h[:], flags)
	out = binary.BigEndian.AppendUint32(out, count)
	return append(out, attested...)
}

func flagsOf(o keyOpts, extra byte) byte {
	f := extra
	if !o.noUP {
		f |= 0x01
	}
	if !o.noUV {
		f |= 0x04
	}
	return f
}

// create answers registration options (Ceremony.Options of
// BeginWebAuthnRegistration) from origin.
func (k *softKey) create(options []byte, origin string, o keyOpts) []byte {
	k.t.Helper()
	opts := k.options(options)
	if o.origin != "" {
		origin = o.origin
	}
	rpID := opts.PublicKey.RP.ID
	if o.rpID != "" {
		rpID = o.rpID
	}
	challenge := opts.PublicKey.Challenge
	if o.challenge != "" {
		challenge = o.challenge
	}
	handle, err := b64.DecodeString(opts.PublicKey.User.ID)
	if err != nil {
		k.t.Fatalf("soft key: user id %q: %v", opts.PublicKey.User.ID, err)
	}
	k.handle = handle

	cose, err := ctap2.Marshal(map[int]any{1: 2, 3: -7, -1: 1,
		-2: k.priv.PublicKey.X.FillBytes(make([]byte, 32)), -3: k.priv.PublicKey.Y.FillBytes(make([]byte, 32))})
	if err != nil {
		k.t.Fatal(err)
	}
	att := make([]byte, 16) // AAGUID: zero
	att = binary.BigEndian.AppendUint16(att, uint16(len(k.id)))
	att = append(att, k.id...)
	att = append(att, cose...)
	count := k.count
	if o.signCount != nil {
		count = *o.signCount
	}
	authData := k.authData(rpID, flagsOf(o, 0x40), count, att)
	attObj, err := ctap2.Marshal(map[string]any{"fmt": "none", "attStmt": map[string]any{}, "authData": authData})
	if err != nil {
		k.t.Fatal(err)
	}
	return k.marshal(map[string]any{
		"id": b64.EncodeToString(k.id), "rawId": b64.EncodeToString(k.id), "type": "public-key",
		"response": map[string]any{
			"clientDataJSON":    b64.EncodeToString(k.clientData("webauthn.create", challenge, origin)),
			"attestationObject": b64.EncodeToString(attObj),
			"transports":        []string{"usb"},
		},
		"clientExtensionResults":  map[string]any{"credProps": map[string]any{"rk": true}},
		"authenticatorAttachment": "cross-platform",
	})
}

// get answers assertion options (Ceremony.Options of BeginWebAuthnLogin
// or BeginPasskeyLogin) from origin.
func (k *softKey) get(options []byte, origin string, o keyOpts) []byte {
	k.t.Helper()
	opts := k.options(options)
	if o.origin != "" {
		origin = o.origin
	}
	rpID := opts.PublicKey.RPID
	if o.rpID != "" {
		rpID = o.rpID
	}
	challenge := opts.PublicKey.Challenge
	if o.challenge != "" {
		challenge = o.challenge
	}
	var count uint32
	switch {
	case o.signCount != nil:
		count = *o.signCount
	case k.zeroCounter:
	default:
		k.count++
		count = k.count
	}
	authData := k.authData(rpID, flagsOf(o, 0), count, nil)
	cd := k.clientData("webauthn.get", challenge, origin)
	h := sha256.Sum256(cd)
	digest := sha256.Sum256(append(append([]byte{}, authData...), h[:]...))
	sig, err := ecdsa.SignASN1(rand.Reader, k.priv, digest[:])
	if err != nil {
		k.t.Fatal(err)
	}
	resp := map[string]any{
		"clientDataJSON":    b64.EncodeToString(cd),
		"authenticatorData": b64.EncodeToString(authData),
		"signature":         b64.EncodeToString(sig),
	}
	handle := k.handle
	if o.userHandle != nil {
		handle = o.userHandle
	}
	if !o.noHandle && len(handle) > 0 {
		resp["userHandle"] = b64.EncodeToString(handle)
	}
	return k.marshal(map[string]any{
		"id": b64.EncodeToString(k.id), "rawId": b64.EncodeToString(k.id), "type": "public-key",
		"response": resp, "clientExtensionResults": map[string]any{}, "authenticatorAttachment": "cross-platform",
	})
}

func (k *softKey) marshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		k.t.Fatal(err)
	}
	return b
}

func u32(n uint32) *uint32 { return &n }
