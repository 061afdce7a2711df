package loadgen

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestNewHasherEveryAlgorithm(t *testing.T) {
	cheap := HashConfig{PBKDF2Iterations: 1000, Argon2MemoryKiB: 64, Argon2Time: 1, Argon2Threads: 1, BcryptCost: 4}
	for _, alg := range HasherNames {
		h := cheap
		h.Algorithm = alg
		v, err := NewHasher(h)
		if err != nil {
			t.Fatalf("%s: %v", alg, err)
		}
		enc, err := v.Hash("correct horse")
		if err != nil || !strings.HasPrefix(enc, alg+"$") {
			t.Fatalf("%s: Hash = %q, %v", alg, enc, err)
		}
		if ok, err := v.Verify("correct horse", enc); !ok || err != nil {
			t.Errorf("%s: right password: %v, %v", alg, ok, err)
		}
		if ok, err := v.Verify("wrong horse", enc); ok || err != nil {
			t.Errorf("%s: wrong password: %v, %v", alg, ok, err)
		}
		if alg == "pbkdf2_sha256" && !strings.HasPrefix(enc, "pbkdf2_sha256$1000$") {
			t.Errorf("iterations not applied: %s", enc)
		}
		if alg == "argon2" && !strings.Contains(enc, "m=64,t=1,p=1") {
			t.Errorf("argon2 parameters not applied: %s", enc)
		}
	}
	if _, err := NewHasher(HashConfig{Algorithm: "md5"}); err == nil {
		t.Error("md5 accepted")
	}
}

func TestHashConfigString(t *testing.T) {
	for h, want := range map[HashConfig]string{
		{Algorithm: "argon2"}:                             "argon2 memory=19456KiB time=2 threads=1",
		{Algorithm: "argon2", Argon2MemoryKiB: 65536}:     "argon2 memory=65536KiB time=2 threads=1",
		{Algorithm: "pbkdf2_sha256"}:                      "pbkdf2_sha256 iterations=1200000",
		{Algorithm: "bcrypt_sha256", BcryptCost: 10}:      "bcrypt_sha256 cost=10",
		{Algorithm: "scrypt"}:                             "scrypt N=16384 r=8 p=5",
		{Algorithm: "pbkdf2_sha256", PBKDF2Iterations: 9}: "pbkdf2_sha256 iterations=9",
	} {
		if got := h.String(); got != want {
			t.Errorf("%+v: %q, want %q", h, got, want)
		}
	}
}

func TestHashScenarioRealHasher(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Hash = HashConfig{Algorithm: "pbkdf2_sha256", PBKDF2Iterations: 2000}
	w, err := newHash(context.Background(), &env{cfg: &cfg})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), w, RunOptions{Concurrency: 2, Duration: 10 * time.Second, MaxOps: 20})
	if err != nil {
		t.Fatal(err)
	}
	if res.Succeeded != 20 || res.Failed != 0 {
		t.Fatalf("result = %+v", res)
	}
}
