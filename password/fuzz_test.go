package password

import (
	"context"
	"errors"
	"testing"
	"unicode/utf8"
)

// lowerLimits makes every accepted parameter cheap so that fuzzing spends
// its time in the parsers, not in hashing; the bounds checks still run.
func lowerLimits(t testing.TB) {
	saved := limits
	limits.pbkdf2Iter = 2000
	limits.argon2Memory = 512
	limits.argon2Time = 3
	limits.argon2Threads = 4
	limits.scryptN = 1 << 10
	limits.scryptP = 2
	limits.bcryptCost = 5
	t.Cleanup(func() { limits = saved })
}

func addVectorSeeds(f *testing.F) {
	for _, v := range loadVectors(f) {
		f.Add(v.Password, v.Encoded)
	}
	for _, h := range hostile {
		f.Add("pw", h.enc)
	}
	f.Add("pw", "argon2$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ$YWJjZGVmZ2hpamtsbW5vcA")
	f.Add("", "")
	f.Add("!", "!")
	f.Add("pw", "$$$$$$")
}

// FuzzVerify: any encoded string, through a Set and through every hasher,
// never panics; an error always comes with false.
func FuzzVerify(f *testing.F) {
	addVectorSeeds(f)
	lowerLimits(f)
	set := DefaultSet()
	set.Preferred = Argon2Hasher{Memory: 64, Time: 1}
	hashers := cheapHashers()
	f.Fuzz(func(t *testing.T, pw, encoded string) {
		if len(pw) > 200 {
			pw = pw[:200]
		}
		ok, up, err := set.Verify(context.Background(), pw, encoded)
		if err != nil && (ok || up != "") {
			t.Fatalf("Set.Verify = %v, %q, %v", ok, up, err)
		}
		if err != nil && !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrBounds) && !errors.Is(err, ErrUnknownAlgorithm) {
			t.Fatalf("Set.Verify error %v wraps no sentinel", err)
		}
		_ = set.Algorithm(encoded)
		for _, h := range hashers {
			ok, err := h.Verify(pw, encoded)
			if err != nil && ok {
				t.Fatalf("%s.Verify = true with error %v", h.Algorithm(), err)
			}
			_ = h.NeedsUpdate(encoded)
		}
	})
}

// FuzzValidate: validators never panic and only report known codes.
func FuzzValidate(f *testing.F) {
	f.Add("password1234", "johnsmith", "jane.doe@example.com")
	f.Add("12345678901", "", "")
	f.Add("-é--ü_ 42", "-é--", "@@")
	f.Add("🐙🔑🌈🚀", "🐙", "🔑@🌈")
	known := map[string]bool{"password_too_short": true, "password_too_long": true, "password_too_similar": true,
		"password_too_common": true, "password_entirely_numeric": true}
	f.Fuzz(func(t *testing.T, pw, username, email string) {
		for _, p := range Validate(pw, UserAttrs{Username: username, Email: email, FirstName: username, LastName: email}) {
			if !known[p.Code] || p.Message == "" || p.Params == nil {
				t.Fatalf("problem %+v", p)
			}
		}
	})
}

// FuzzSequenceMatcher checks difflib's invariants: ratio ≤ quick_ratio ≤
// real_quick_ratio, and every matching block really matches.
func FuzzSequenceMatcher(f *testing.F) {
	f.Add("abcd", "bcde")
	f.Add("", "x")
	f.Add("ab ab ab ab", "ba ba ba")
	f.Fuzz(func(t *testing.T, a, b string) {
		if !utf8.ValidString(a) || !utf8.ValidString(b) {
			return
		}
		ra, rb := []rune(a), []rune(b)
		if len(ra) > 400 || len(rb) > 400 {
			return
		}
		m := newSequenceMatcher(ra, rb)
		r, q, rq := m.ratio(), m.quickRatio(), m.realQuickRatio()
		if r < 0 || r > q || q > rq || rq > 1 {
			t.Fatalf("ratio %v quick %v real_quick %v", r, q, rq)
		}
		for _, bl := range m.matchingBlocks() {
			if string(ra[bl.A:bl.A+bl.Size]) != string(rb[bl.B:bl.B+bl.Size]) {
				t.Fatalf("block %v does not match", bl)
			}
		}
	})
}
