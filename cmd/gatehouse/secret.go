package main

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"strings"
)

// secretKey returns the configured key, or the one kept in secret_key_file,
// generating that file (0600) on first use: what serve signs with.
func secretKey(s *Settings, log *slog.Logger) ([]byte, error) {
	k, err := existingSecretKey(s)
	if k != nil || err != nil {
		return k, err
	}
	path := s.str("secret_key_file")
	k = randomKey()
	if err := os.WriteFile(path, append(k, '\n'), 0o600); err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	log.Info("generated a secret key", "file", path)
	return k, nil
}

// adminSecretKey returns the key serve signs with when there is one, else a
// random key for this run only: the administration commands sign nothing
// that outlives them, so they never create secret_key_file.
func adminSecretKey(s *Settings) ([]byte, error) {
	k, err := existingSecretKey(s)
	if k != nil || err != nil {
		return k, err
	}
	return randomKey(), nil
}

// existingSecretKey returns the configured key or the content of
// secret_key_file; nil and no error when there is neither.
func existingSecretKey(s *Settings) ([]byte, error) {
	if k := s.str("secret_key"); k != "" {
		if len(k) < 32 {
			return nil, errors.New("secret_key (GATEHOUSE_SECRET_KEY): must be at least 32 characters")
		}
		return []byte(k), nil
	}
	path := s.str("secret_key_file")
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	k := strings.TrimSpace(string(b))
	if len(k) < 32 {
		return nil, fmt.Errorf("%s: secret key shorter than 32 characters", path)
	}
	return []byte(k), nil
}

// randomKey returns 64 characters of fresh randomness (48 bytes).
func randomKey() []byte {
	raw := make([]byte, 48)
	rand.Read(raw)
	return []byte(base64.RawURLEncoding.EncodeToString(raw))
}
