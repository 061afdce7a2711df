//go:build !unix

package sqlstore

import "errors"

// walIndex is not mapped on this system; AuthGeneration asks SQLite for
// PRAGMA data_version instead.
type walIndex struct{}

type walIndexSnapshot struct{}

func openWALIndex(string) (*walIndex, error) {
	return nil, errors.New("WAL-index mapping is not supported on this system")
}

func (*walIndex) snapshot() (walIndexSnapshot, bool) { return walIndexSnapshot{}, false }

func (*walIndex) close() {}
