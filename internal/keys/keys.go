// Package keys derives the keys Gatehouse signs and encrypts with from the
// site's one secret key: one key per purpose (the flash cookie, the flow
// cookie, password-reset tokens, email confirmation keys …), so that a
// value made for one purpose is never accepted for another. Older secret
// keys listed as fallbacks still verify and decrypt while a rotation is
// under way, as Django's SECRET_KEY_FALLBACKS; new values always use the
// current key.
package keys

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
)

// MinSecretLength is the shortest secret key accepted, in bytes.
const MinSecretLength = 32

// kidLen is the length of a key id: the first bytes of SHA-256 of the
// derived key, enough to pick the key among a handful.
const kidLen = 4

// Ring holds the current secret key and the fallbacks. It is safe for
// concurrent use.
type Ring struct {
	secrets [][]byte // current first
}

// ErrShortSecret is New's error for a secret under MinSecretLength bytes.
var ErrShortSecret = errors.New("keys: a secret key must be at least 32 bytes")

// New returns the ring of secret (the current key) and fallbacks (older
// keys, still accepted when verifying).
func New(secret []byte, fallbacks ...[]byte) (*Ring, error) {
	r := &Ring{}
	for _, s := range append([][]byte{secret}, fallbacks...) {
		if len(s) < MinSecretLength {
			return nil, ErrShortSecret
		}
		r.secrets = append(r.secrets, append([]byte(nil), s...))
	}
	return r, nil
}

// derive returns the 32-byte key of purpose under secret (HKDF-SHA256).
func derive(secret []byte, purpose string) []byte {
	k, err := hkdf.Key(sha256.New, secret, nil, "gatehouse/"+purpose, 32)
	if err != nil {
		panic("keys: hkdf: " + err.Error()) // only for lengths over 255×32
	}
	return k
}

// Key returns the current key of purpose, for formats whose verification
// tries each key in turn (see Keys).
func (r *Ring) Key(purpose string) []byte { return derive(r.secrets[0], purpose) }

// Keys returns the keys of purpose, current first, then each fallback's.
func (r *Ring) Keys(purpose string) [][]byte {
	out := make([][]byte, len(r.secrets))
	for i, s := range r.secrets {
		out[i] = derive(s, purpose)
	}
	return out
}

func kid(key []byte) []byte {
	sum := sha256.Sum256(append([]byte("gatehouse key id:"), key...))
	return sum[:kidLen]
}

// Sign returns the signature of payload for purpose: the current key's id
// and an HMAC-SHA256, base64url.
func (r *Ring) Sign(purpose string, payload []byte) string {
	k := r.Key(purpose)
	m := hmac.New(sha256.New, k)
	m.Write(payload)
	return base64.RawURLEncoding.EncodeToString(m.Sum(kid(k)))
}

// Verify reports whether sig is Sign's signature of payload for purpose
// under the current key or a fallback.
func (r *Ring) Verify(purpose string, payload []byte, sig string) bool {
	b, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || len(b) != kidLen+sha256.Size {
		return false
	}
	for _, k := range r.Keys(purpose) {
		if !hmac.Equal(b[:kidLen], kid(k)) {
			continue
		}
		m := hmac.New(sha256.New, k)
		m.Write(payload)
		if hmac.Equal(b[kidLen:], m.Sum(nil)) {
			return true
		}
	}
	return false
}

// Seal encrypts and authenticates plaintext for purpose with AES-256-GCM
// under the current key: key id, nonce, ciphertext. additional is bound to
// the result without being stored (pass what the value belongs to, e.g. a
// user id).
func (r *Ring) Seal(purpose string, plaintext, additional []byte) []byte {
	k := r.Key(purpose)
	aead := gcm(k)
	out := make([]byte, kidLen+aead.NonceSize(), kidLen+aead.NonceSize()+len(plaintext)+aead.Overhead())
	copy(out, kid(k))
	rand.Read(out[kidLen:])
	return aead.Seal(out, out[kidLen:], plaintext, additional)
}

// ErrOpen is Open's error for a value that no key of the ring sealed for
// this purpose and additional data, or that was altered.
var ErrOpen = errors.New("keys: cannot open the sealed value")

// Open decrypts a value Seal made under the current key or a fallback.
func (r *Ring) Open(purpose string, sealed, additional []byte) ([]byte, error) {
	for _, k := range r.Keys(purpose) {
		aead := gcm(k)
		if len(sealed) < kidLen+aead.NonceSize()+aead.Overhead() || !hmac.Equal(sealed[:kidLen], kid(k)) {
			continue
		}
		nonce := sealed[kidLen : kidLen+aead.NonceSize()]
		if p, err := aead.Open(nil, nonce, sealed[kidLen+aead.NonceSize():], additional); err == nil {
			return p, nil
		}
	}
	return nil, ErrOpen
}

func gcm(key []byte) cipher.AEAD {
	b, err := aes.NewCipher(key)
	if err != nil {
		panic("keys: aes: " + err.Error()) // the key is always 32 bytes
	}
	a, err := cipher.NewGCM(b)
	if err != nil {
		panic("keys: gcm: " + err.Error())
	}
	return a
}
