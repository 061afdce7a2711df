package password

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"hash"
	"strings"
)

// The hashers of this file read password hashes that very old Django
// installations left behind. They are fast, hence unsafe, and meant only to be
// verified once and upgraded by a Set; never make one the Preferred hasher
// outside tests. Like Django they compare the whole re-encoded string
// (lowercase hex) in constant time.

// SHA1Hasher verifies Django's salted "sha1$<salt>$<40 hex>" hashes
// (sha1(salt + password)).
type SHA1Hasher struct{}

// MD5Hasher verifies Django's salted "md5$<salt>$<32 hex>" hashes
// (md5(salt + password)).
type MD5Hasher struct{}

// UnsaltedSHA1Hasher verifies "sha1$$<40 hex>" (sha1(password)); its
// algorithm name is "unsalted_sha1" although the encoding starts "sha1$$".
type UnsaltedSHA1Hasher struct{}

// UnsaltedMD5Hasher verifies a bare 32-hex-digit md5(password), the way the
// first Django versions stored passwords, and "md5$$<32 hex>".
type UnsaltedMD5Hasher struct{}

// Algorithm returns "sha1".
func (SHA1Hasher) Algorithm() string { return "sha1" }

// Hash returns "sha1$<salt>$<hex>" with a fresh salt.
func (SHA1Hasher) Hash(password string) (string, error) {
	return saltedEncode("sha1", sha1.New, newSalt(), password), nil
}

// Verify reports whether password matches encoded.
func (SHA1Hasher) Verify(password, encoded string) (bool, error) {
	return saltedVerify("sha1", sha1.New, password, encoded)
}

// NeedsUpdate reports whether the salt carries less than 128 bits.
func (SHA1Hasher) NeedsUpdate(encoded string) bool { return saltedNeedsUpdate("sha1", encoded) }

// Algorithm returns "md5".
func (MD5Hasher) Algorithm() string { return "md5" }

// Hash returns "md5$<salt>$<hex>" with a fresh salt.
func (MD5Hasher) Hash(password string) (string, error) {
	return saltedEncode("md5", md5.New, newSalt(), password), nil
}

// Verify reports whether password matches encoded.
func (MD5Hasher) Verify(password, encoded string) (bool, error) {
	return saltedVerify("md5", md5.New, password, encoded)
}

// NeedsUpdate reports whether the salt carries less than 128 bits.
func (MD5Hasher) NeedsUpdate(encoded string) bool { return saltedNeedsUpdate("md5", encoded) }

// Algorithm returns "unsalted_sha1".
func (UnsaltedSHA1Hasher) Algorithm() string { return "unsalted_sha1" }

// Hash returns "sha1$$<hex>".
func (UnsaltedSHA1Hasher) Hash(password string) (string, error) {
	return "sha1$$" + hexDigest(sha1.New, password), nil
}

// Verify reports whether password matches encoded ("sha1$$<40 hex>").
func (h UnsaltedSHA1Hasher) Verify(password, encoded string) (bool, error) {
	if len(encoded) != 46 || !strings.HasPrefix(encoded, "sha1$$") {
		return false, fmt.Errorf("%w: not an unsalted_sha1 hash", ErrMalformed)
	}
	want, _ := h.Hash(password)
	return subtle.ConstantTimeCompare([]byte(want), []byte(encoded)) == 1, nil
}

// NeedsUpdate returns false, as Django's: a Set upgrades these hashes because
// their algorithm is not the preferred one.
func (UnsaltedSHA1Hasher) NeedsUpdate(string) bool { return false }

// Algorithm returns "unsalted_md5".
func (UnsaltedMD5Hasher) Algorithm() string { return "unsalted_md5" }

// Hash returns the bare 32-hex-digit md5 of password.
func (UnsaltedMD5Hasher) Hash(password string) (string, error) {
	return hexDigest(md5.New, password), nil
}

// Verify reports whether password matches encoded (32 hex digits, or
// "md5$$" followed by them).
func (h UnsaltedMD5Hasher) Verify(password, encoded string) (bool, error) {
	if len(encoded) == 37 && strings.HasPrefix(encoded, "md5$$") {
		encoded = encoded[5:]
	}
	if len(encoded) != 32 || strings.Contains(encoded, "$") {
		return false, fmt.Errorf("%w: not an unsalted_md5 hash", ErrMalformed)
	}
	want, _ := h.Hash(password)
	return subtle.ConstantTimeCompare([]byte(want), []byte(encoded)) == 1, nil
}

// NeedsUpdate returns false, as Django's (see UnsaltedSHA1Hasher.NeedsUpdate).
func (UnsaltedMD5Hasher) NeedsUpdate(string) bool { return false }

func hexDigest(h func() hash.Hash, s string) string {
	d := h()
	d.Write([]byte(s))
	return hex.EncodeToString(d.Sum(nil))
}

func saltedEncode(alg string, h func() hash.Hash, salt, password string) string {
	return alg + "$" + salt + "$" + hexDigest(h, salt+password)
}

func parseSalted(alg, encoded string) (salt string, err error) {
	f, err := splitFields(encoded, alg, 3)
	if err != nil {
		return "", err
	}
	if err := checkTextSalt(f[1]); err != nil {
		return "", err
	}
	return f[1], nil
}

func saltedVerify(alg string, h func() hash.Hash, password, encoded string) (bool, error) {
	salt, err := parseSalted(alg, encoded)
	if err != nil {
		return false, err
	}
	want := saltedEncode(alg, h, salt, password)
	return subtle.ConstantTimeCompare([]byte(want), []byte(encoded)) == 1, nil
}

func saltedNeedsUpdate(alg, encoded string) bool {
	salt, err := parseSalted(alg, encoded)
	return err != nil || saltTooShort(salt)
}
