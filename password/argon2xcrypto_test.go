package password

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
)

// FuzzArgon2MatchesXCrypto is a differential test: for any password, salt
// and small parameters (at most 3 passes, 4 lanes, 520 KiB, so that a case
// takes about a millisecond), Gatehouse's argon2i and argon2id give the
// bytes golang.org/x/crypto/argon2 gives. Its seeds run in every go test;
// go test -fuzz=FuzzArgon2MatchesXCrypto explores further.
func FuzzArgon2MatchesXCrypto(f *testing.F) {
	for _, s := range []struct {
		pw, salt              string
		time, threads, keyLen uint8
		memory                uint16
	}{
		{"password", "somesalt", 2, 0, 32, 248},
		{"", "", 0, 0, 0, 0},
		{"correct horse battery staple", "0123456789abcdef", 1, 3, 16, 511},
		{"пароль-Ünïcødé-密码", "\x00\x01\x02\x03\x04\x05\x06\x07", 2, 1, 64, 100},
		{strings.Repeat("long password ", 20), strings.Repeat("s", 64), 0, 2, 65, 3},
		{"x", "saltsalt", 1, 3, 255, 7},
		{"\xff\xfe\x00", "\x00\x00\x00\x00\x00\x00\x00\x00", 2, 1, 128, 33},
	} {
		f.Add([]byte(s.pw), []byte(s.salt), s.time, s.memory, s.threads, s.keyLen)
	}
	f.Fuzz(func(t *testing.T, pw, salt []byte, time uint8, memory uint16, threads, keyLen uint8) {
		if len(pw) > 256 || len(salt) > 256 {
			return
		}
		tm := 1 + uint32(time%3)
		p := 1 + uint32(threads%4)
		m := 8*p + uint32(memory%512)
		kl := 4 + uint32(keyLen)
		if want := argon2.IDKey(pw, salt, tm, m, uint8(p), kl); !bytes.Equal(argon2Key(argon2id, argon2Version13, pw, salt, tm, m, p, kl), want) {
			t.Errorf("argon2id t=%d m=%d p=%d keyLen=%d differs from x/crypto", tm, m, p, kl)
		}
		if want := argon2.Key(pw, salt, tm, m, uint8(p), kl); !bytes.Equal(argon2Key(argon2i, argon2Version13, pw, salt, tm, m, p, kl), want) {
			t.Errorf("argon2i t=%d m=%d p=%d keyLen=%d differs from x/crypto", tm, m, p, kl)
		}
	})
}

// TestArgon2DefaultsMatchXCrypto compares the two implementations at the
// cost Gatehouse hashes with (m=19456 KiB, t=2, p=1), argon2id and
// argon2i, and at Django's argon2 default (m=102400 KiB, t=2, p=8), whose
// eight lanes run in parallel.
func TestArgon2DefaultsMatchXCrypto(t *testing.T) {
	pw, salt := []byte("correct horse battery staple"), []byte("Vf3kQ9zLmP2xR7tY1wB4nC")
	for _, c := range []struct {
		mode         uint32
		time, memory uint32
		threads      uint8
		slowForShort bool
		xcrypto      func(pw, salt []byte, time, memory uint32, threads uint8, keyLen uint32) []byte
		name         string
	}{
		{argon2id, DefaultArgon2Time, DefaultArgon2Memory, DefaultArgon2Threads, false, argon2.IDKey, "argon2id default"},
		{argon2i, DefaultArgon2Time, DefaultArgon2Memory, DefaultArgon2Threads, false, argon2.Key, "argon2i default"},
		{argon2id, 2, 102400, 8, true, argon2.IDKey, "argon2id Django default"},
	} {
		if c.slowForShort && testing.Short() {
			continue
		}
		want := c.xcrypto(pw, salt, c.time, c.memory, c.threads, argon2KeyLen)
		got := argon2Key(c.mode, argon2Version13, pw, salt, c.time, c.memory, uint32(c.threads), argon2KeyLen)
		if !bytes.Equal(got, want) {
			t.Errorf("%s: %x, x/crypto %x", c.name, got, want)
		}
	}
}

// TestArgon2ImplementationsInterchangeable: a hash made with either
// implementation verifies with the other, a wrong password with neither,
// and every argon2 hash made by Django verifies with both.
func TestArgon2ImplementationsInterchangeable(t *testing.T) {
	impls := []Argon2Implementation{"", Argon2Gatehouse, Argon2XCrypto}
	for _, made := range impls {
		for _, params := range []Argon2Hasher{{Memory: 64, Time: 1, Threads: 1}, {Memory: 256, Time: 2, Threads: 3}} {
			params.Implementation = made
			enc, err := params.Hash("correct horse")
			if err != nil {
				t.Fatal(err)
			}
			for _, check := range impls {
				h := Argon2Hasher{Implementation: check}
				if ok, err := h.Verify("correct horse", enc); !ok || err != nil {
					t.Errorf("made by %q, verified by %q: %v, %v (%s)", made, check, ok, err, enc)
				}
				if ok, err := h.Verify("correct horsf", enc); ok || err != nil {
					t.Errorf("made by %q, verified by %q: wrong password %v, %v", made, check, ok, err)
				}
			}
		}
	}
	n := 0
	for _, v := range loadVectors(t) {
		if v.Algorithm != "argon2" || v.Kind == "unusable" || (v.Kind == "default" && testing.Short()) {
			continue
		}
		n++
		for _, impl := range impls[1:] {
			h := Argon2Hasher{Implementation: impl}
			if ok, err := h.Verify(v.Password, v.Encoded); !ok || err != nil {
				t.Errorf("%s: %s: Verify = %v, %v", v.Name, impl, ok, err)
			}
			if ok, err := h.Verify(v.Password+"x", v.Encoded); ok || err != nil {
				t.Errorf("%s: %s: Verify(wrong) = %v, %v", v.Name, impl, ok, err)
			}
		}
	}
	if n < 15 {
		t.Errorf("only %d Django argon2 vectors", n)
	}
}

// TestArgon2UnknownImplementation: a misspelt implementation fails Hash and
// Verify instead of silently choosing one.
func TestArgon2UnknownImplementation(t *testing.T) {
	enc, _ := Argon2Hasher{Memory: 64, Time: 1}.Hash("pw")
	h := Argon2Hasher{Memory: 64, Time: 1, Implementation: "xcrypto"}
	if _, err := h.Hash("pw"); err == nil || !strings.Contains(err.Error(), `"xcrypto"`) {
		t.Errorf("Hash err = %v", err)
	}
	if ok, err := h.Verify("pw", enc); ok || err == nil {
		t.Errorf("Verify = %v, %v", ok, err)
	}
	for in, want := range map[string]Argon2Implementation{"": Argon2Gatehouse, "gatehouse": Argon2Gatehouse, "x/crypto": Argon2XCrypto} {
		if got, err := ParseArgon2Implementation(in); got != want || err != nil {
			t.Errorf("ParseArgon2Implementation(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"xcrypto", "Gatehouse", "golang.org/x/crypto/argon2", " x/crypto"} {
		if _, err := ParseArgon2Implementation(in); err == nil || !strings.Contains(err.Error(), `"gatehouse" or "x/crypto"`) {
			t.Errorf("ParseArgon2Implementation(%q) err = %v", in, err)
		}
	}
}

// TestSetArgon2Implementation: a Set built by NewSetByName verifies argon2
// hashes with the chosen implementation whether argon2 is its preferred
// hasher or only accepted, and its argon2 hashes verify in a Set using the
// other implementation.
func TestSetArgon2Implementation(t *testing.T) {
	ctx := context.Background()
	cheap := HasherParams{Argon2Memory: 64, Argon2Time: 1, Argon2Threads: 1, PBKDF2Iterations: 1000}
	for _, name := range []string{"argon2", "pbkdf2_sha256"} {
		for _, impl := range []Argon2Implementation{Argon2Gatehouse, Argon2XCrypto} {
			p := cheap
			p.Argon2Implementation = impl
			s, err := NewSetByName(name, p)
			if err != nil {
				t.Fatal(err)
			}
			h, ok := s.hasher("argon2").(Argon2Hasher)
			if !ok || h.Implementation != impl {
				t.Errorf("%s preferred, %s: argon2 hashes verified by %#v", name, impl, s.hasher("argon2"))
			}
			other := cheap
			other.Argon2Implementation = Argon2XCrypto
			if impl == Argon2XCrypto {
				other.Argon2Implementation = Argon2Gatehouse
			}
			made, err := NewSetByName("argon2", other)
			if err != nil {
				t.Fatal(err)
			}
			enc, err := made.Hash(ctx, "correct horse")
			if err != nil {
				t.Fatal(err)
			}
			if ok, up, err := s.Verify(ctx, "correct horse", enc); !ok || err != nil {
				t.Errorf("%s preferred, %s: Verify = %v, %q, %v", name, impl, ok, up, err)
			} else if name == "pbkdf2_sha256" && !strings.HasPrefix(up, "pbkdf2_sha256$1000$") {
				t.Errorf("%s preferred: argon2 hash not upgraded: %q", name, up)
			}
		}
	}
}
