package main

import (
	"io"

	"github.com/gatehouse-auth/gatehouse/mail"
)

// validate checks every setting as the command that uses it would, so that
// every command, config included, fails on a bad value and not only the one
// that happens to read it. It opens nothing and writes nothing.
func (s *Settings) validate() error {
	log, err := newLogger(s, io.Discard)
	if err != nil {
		return err
	}
	if _, _, _, err := memorySettings(s); err != nil {
		return err
	}
	if _, err := mail.FromURL(s.str("mail.backend"), s.str("mail.file_dir"), s.str("mail.smtp_url"), s.str("mail.from")); err != nil {
		return err
	}
	if _, _, _, err := outboxSettings(s); err != nil {
		return err
	}
	key, err := existingSecretKey(s)
	if err != nil {
		return err
	}
	if key == nil {
		key = randomKey()
	}
	_, err = gatehouseConfig(s, nil, log, key)
	return err
}
