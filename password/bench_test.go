package password

import (
	"context"
	"testing"

	"golang.org/x/crypto/argon2"
)

// defaultHashers are every hasher at its default cost, for benchmarks.
func defaultHashers() []Hasher {
	return []Hasher{
		Argon2Hasher{},
		PBKDF2Hasher{},
		PBKDF2Hasher{Digest: DigestSHA1},
		BcryptSHA256Hasher{},
		BcryptHasher{},
		ScryptHasher{},
		SHA1Hasher{}, MD5Hasher{}, UnsaltedSHA1Hasher{}, UnsaltedMD5Hasher{},
	}
}

const benchPassword = "correct horse battery staple"

func BenchmarkHash(b *testing.B) {
	for _, h := range defaultHashers() {
		b.Run(h.Algorithm(), func(b *testing.B) {
			for b.Loop() {
				if _, err := h.Hash(benchPassword); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkVerify(b *testing.B) {
	for _, h := range defaultHashers() {
		enc, err := h.Hash(benchPassword)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(h.Algorithm(), func(b *testing.B) {
			for b.Loop() {
				if ok, err := h.Verify(benchPassword, enc); !ok || err != nil {
					b.Fatal(ok, err)
				}
			}
		})
	}
}

// BenchmarkSetVerifyParallel verifies a default argon2id hash from many
// goroutines through DefaultSet, whose MaxConcurrent queues them.
func BenchmarkSetVerifyParallel(b *testing.B) {
	s := DefaultSet()
	enc, err := s.Hash(context.Background(), benchPassword)
	if err != nil {
		b.Fatal(err)
	}
	b.SetParallelism(8)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if ok, _, err := s.Verify(context.Background(), benchPassword, enc); !ok || err != nil {
				b.Error(ok, err)
				return
			}
		}
	})
}

// BenchmarkArgon2IDKey compares Gatehouse's Argon2 with
// golang.org/x/crypto/argon2 at the default cost (m=19 MiB, t=2, p=1): the
// same key, one with pooled memory and the AVX2 compression function, the
// other allocating its memory on every call.
func BenchmarkArgon2IDKey(b *testing.B) {
	pw, salt := []byte(benchPassword), []byte("0123456789abcdef")
	b.Run("gatehouse", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			argon2Key(argon2id, argon2Version13, pw, salt, DefaultArgon2Time, DefaultArgon2Memory, DefaultArgon2Threads, argon2KeyLen)
		}
	})
	b.Run("x-crypto", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			argon2.IDKey(pw, salt, DefaultArgon2Time, DefaultArgon2Memory, DefaultArgon2Threads, argon2KeyLen)
		}
	})
}
