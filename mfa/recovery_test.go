package mfa

import (
	"bytes"
	"encoding/json"
	"testing"
)

var testKey = bytes.Repeat([]byte("k"), 32)

// TestRecoveryCodes: a set is 10 distinct codes of 8 digits; each works
// once; a wrong code, another key or another set's code does not; the
// stored form holds no code.
func TestRecoveryCodes(t *testing.T) {
	var r Recovery
	codes, set, err := r.New(testKey)
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) != 10 || set.Total != 10 || set.Left() != 10 {
		t.Fatalf("%d codes, total %d, left %d", len(codes), set.Total, set.Left())
	}
	seen := map[string]bool{}
	for _, c := range codes {
		if len(c) != 8 || normalizeDigits(c) != c || seen[c] {
			t.Fatalf("code %q (repeated %v)", c, seen[c])
		}
		seen[c] = true
	}
	stored, _ := json.Marshal(set)
	for _, c := range codes {
		if bytes.Contains(stored, []byte(c)) {
			t.Fatalf("the stored set holds code %s", c)
		}
	}
	// Another key, or a code of another set, never matches.
	otherKey := bytes.Repeat([]byte("o"), 32)
	if set.Use(otherKey, codes[0]) {
		t.Fatal("a code worked under another key")
	}
	otherCodes, _, _ := r.New(testKey)
	for _, c := range otherCodes {
		if !seen[c] && set.Use(testKey, c) {
			t.Fatal("another set's code worked")
		}
	}
	for _, bad := range []string{"", "1234567", "123456789", "abcdefgh", codes[0] + "x"} {
		if set.Use(testKey, bad) {
			t.Fatalf("%q worked", bad)
		}
	}
	// Each code once, typed with a space or not, in any order.
	if !set.Use(testKey, codes[3][:4]+" "+codes[3][4:]) || set.Left() != 9 {
		t.Fatal("a code typed with a space was refused")
	}
	if set.Use(testKey, codes[3]) {
		t.Fatal("a code worked twice")
	}
	for i := len(codes) - 1; i >= 0; i-- {
		if i != 3 && !set.Use(testKey, codes[i]) {
			t.Fatalf("code %d refused", i)
		}
	}
	if set.Left() != 0 {
		t.Fatalf("%d left after using all", set.Left())
	}
	// The set survives a round trip through its stored form.
	codes, set, _ = r.New(testKey)
	stored, _ = json.Marshal(set)
	var back RecoverySet
	if err := json.Unmarshal(stored, &back); err != nil || !back.Use(testKey, codes[0]) || back.Left() != 9 {
		t.Fatalf("a stored set read back: %v, left %d", err, back.Left())
	}
}

// TestRecoverySettings: other sizes, and settings or keys out of range.
func TestRecoverySettings(t *testing.T) {
	codes, set, err := Recovery{Count: 3, Digits: 12}.New(testKey)
	if err != nil || len(codes) != 3 || len(codes[0]) != 12 || !set.Use(testKey, codes[2]) {
		t.Fatalf("3 codes of 12 digits: %v, %v", codes, err)
	}
	for _, bad := range []Recovery{{Count: -1}, {Count: 101}, {Digits: 5}, {Digits: 21}} {
		if _, _, err := bad.New(testKey); err == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
	if _, _, err := (Recovery{}).New([]byte("short")); err == nil {
		t.Error("a short key was taken")
	}
}

// TestRandomDigitsUniform: each digit comes up about as often as the
// others (a modulo bias would favour 0–5 by 2.4%).
func TestRandomDigitsUniform(t *testing.T) {
	var n [10]int
	for range 2000 {
		s, err := randomDigits(10)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range s {
			n[c-'0']++
		}
	}
	for d, c := range n { // 2000 of each expected; 5 sigma ≈ 212
		if c < 1780 || c > 2220 {
			t.Errorf("digit %d came up %d times in 20000", d, c)
		}
	}
}
