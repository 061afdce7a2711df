package keys

import (
	"bytes"
	"testing"
)

var (
	oldSecret = bytes.Repeat([]byte("o"), 32)
	newSecret = bytes.Repeat([]byte("n"), 40)
)

// TestSignVerifyAndRotation: a signature verifies for its purpose and
// payload only; after a rotation the old key's signatures still verify
// while it is a fallback, and stop when it is dropped; new signatures use
// the new key.
func TestSignVerifyAndRotation(t *testing.T) {
	before, err := New(oldSecret)
	if err != nil {
		t.Fatal(err)
	}
	sig := before.Sign("flash", []byte("payload"))
	if !before.Verify("flash", []byte("payload"), sig) {
		t.Fatal("a fresh signature does not verify")
	}
	for _, c := range []struct{ purpose, payload string }{{"flow", "payload"}, {"flash", "payload!"}, {"flash", ""}} {
		if before.Verify(c.purpose, []byte(c.payload), sig) {
			t.Errorf("signature accepted for %q %q", c.purpose, c.payload)
		}
	}
	rotating, _ := New(newSecret, oldSecret)
	if !rotating.Verify("flash", []byte("payload"), sig) {
		t.Fatal("a fallback key's signature is refused during the rotation")
	}
	fresh := rotating.Sign("flash", []byte("payload"))
	if before.Verify("flash", []byte("payload"), fresh) {
		t.Fatal("a signature after the rotation verifies under the old key alone: not made with the new key")
	}
	after, _ := New(newSecret)
	if after.Verify("flash", []byte("payload"), sig) || !after.Verify("flash", []byte("payload"), fresh) {
		t.Fatal("after the rotation: old signatures must fail and new ones verify")
	}
	for _, bad := range []string{"", "x", sig[:len(sig)-1], sig + "A"} {
		if after.Verify("flash", []byte("payload"), bad) || rotating.Verify("flash", []byte("payload"), bad) {
			t.Errorf("malformed signature %q accepted", bad)
		}
	}
}

// TestSealOpen: sealed values open for their purpose and additional data
// only, survive a rotation while the old key is a fallback, and detect
// tampering.
func TestSealOpen(t *testing.T) {
	r, _ := New(oldSecret)
	sealed := r.Seal("social.token", []byte("access-token"), []byte("user:7"))
	if bytes.Contains(sealed, []byte("access-token")) {
		t.Fatal("the plaintext is visible in the sealed value")
	}
	if p, err := r.Open("social.token", sealed, []byte("user:7")); err != nil || string(p) != "access-token" {
		t.Fatalf("Open = %q, %v", p, err)
	}
	if _, err := r.Open("social.token", sealed, []byte("user:8")); err == nil {
		t.Error("opened with other additional data")
	}
	if _, err := r.Open("mfa.totp", sealed, []byte("user:7")); err == nil {
		t.Error("opened for another purpose")
	}
	rotating, _ := New(newSecret, oldSecret)
	if p, err := rotating.Open("social.token", sealed, []byte("user:7")); err != nil || string(p) != "access-token" {
		t.Fatalf("Open during the rotation = %q, %v", p, err)
	}
	tampered := append([]byte(nil), sealed...)
	tampered[len(tampered)-1] ^= 1
	if _, err := r.Open("social.token", tampered, []byte("user:7")); err == nil {
		t.Error("a tampered value opened")
	}
	if _, err := r.Open("social.token", sealed[:10], nil); err == nil {
		t.Error("a truncated value opened")
	}
	if a, b := r.Seal("p", []byte("same"), nil), r.Seal("p", []byte("same"), nil); bytes.Equal(a, b) {
		t.Error("two seals of one value are equal: the nonce is not random")
	}
}

func TestShortSecretRefused(t *testing.T) {
	if _, err := New(make([]byte, 31)); err != ErrShortSecret {
		t.Errorf("New(31 bytes) = %v", err)
	}
	if _, err := New(newSecret, make([]byte, 8)); err != ErrShortSecret {
		t.Errorf("a short fallback = %v", err)
	}
}
