package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// File is a [Mailer] that writes each message, fully encoded as it would go
// over SMTP, to its own .eml file in Dir, like Django's file-based backend.
// Any mail client opens the files.
//
// File names sort by the time of sending: 20060102T150405.000000000Z-<random
// hex>.eml, in UTC. Files are created with mode 0600 and appear complete (they
// are written under a temporary name and renamed); Dir is created with mode
// 0700 when missing. A File is safe for concurrent use.
type File struct {
	// Dir receives the files; it must not be empty.
	Dir string
	// From is the sender of messages that name none; empty means DefaultFrom.
	From string
}

// Send validates m and writes it to a new file in f.Dir.
func (f *File) Send(ctx context.Context, m *Message) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("mail: file: %w", err)
	}
	if f.Dir == "" {
		return errors.New("mail: file: no directory configured")
	}
	now := time.Now()
	e, err := prepare(m, f.From, now)
	if err != nil {
		return err
	}
	msg, err := toMIME(e)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if _, err := msg.WriteTo(&b); err != nil {
		return fmt.Errorf("mail: file: encoding message: %w", err)
	}
	if err := os.MkdirAll(f.Dir, 0o700); err != nil {
		return fmt.Errorf("mail: file: %w", err)
	}
	return writeNew(f.Dir, fileName(now), b.Bytes())
}

// fileName returns a name that sorts by t and is unique by its random part.
func fileName(t time.Time) string {
	var r [8]byte
	_, _ = rand.Read(r[:]) // crypto/rand.Read never fails
	return t.UTC().Format("20060102T150405.000000000Z") + "-" + hex.EncodeToString(r[:]) + ".eml"
}

// writeNew writes data to dir/name through a temporary file (mode 0600) and
// a rename, so that readers never see a partial message.
func writeNew(dir, name string, data []byte) (err error) {
	tmp, err := os.CreateTemp(dir, ".tmp-*.eml")
	if err != nil {
		return fmt.Errorf("mail: file: %w", err)
	}
	defer func() {
		if err != nil {
			_ = os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("mail: file: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("mail: file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("mail: file: %w", err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, name)); err != nil {
		return fmt.Errorf("mail: file: %w", err)
	}
	return nil
}
