package loadgen

import (
	"context"
	"fmt"
)

// Verifier is the part of password.Hasher that the hash scenario uses.
type Verifier interface {
	Hash(password string) (string, error)
	Verify(password, encoded string) (bool, error)
}

// hashPassword is hashed when no -password is given.
const hashPassword = "correct horse battery staple"

// hashWorkload is the hash scenario: every worker verifies the same
// precomputed hash in a loop, which is what a login costs the server.
type hashWorkload struct {
	noClose
	h        Verifier
	password string
	encoded  string
}

// newHash builds the hash scenario with the configured hasher and hashes
// the password once.
func newHash(_ context.Context, e *env) (Workload, error) {
	mk := e.newHasher
	if mk == nil {
		mk = NewHasher
	}
	h, err := mk(e.cfg.Hash)
	if err != nil {
		return nil, fmt.Errorf("hasher %s: %w", e.cfg.Hash, err)
	}
	pw := e.cfg.Password
	if pw == "" {
		pw = hashPassword
	}
	enc, err := h.Hash(pw)
	if err != nil {
		return nil, fmt.Errorf("hasher %s: hashing: %w", e.cfg.Hash, err)
	}
	return &hashWorkload{h: h, password: pw, encoded: enc}, nil
}

// NewWorker returns a worker; workers share the hasher, which is safe for
// concurrent use.
func (w *hashWorkload) NewWorker(context.Context, int) (Worker, error) {
	return hashWorker{w}, nil
}

// hashWorker is one hashing goroutine.
type hashWorker struct{ w *hashWorkload }

// Do verifies the password against the precomputed hash.
func (v hashWorker) Do(context.Context, int64) (int, error) {
	ok, err := v.w.h.Verify(v.w.password, v.w.encoded)
	switch {
	case err != nil:
		return 0, opErrorf(KindHash, "verify: %v", err)
	case !ok:
		return 0, opErrorf(KindHash, "verify: the right password was rejected")
	}
	return 0, nil
}
