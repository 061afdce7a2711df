package sqlstore

import "time"

// SetBulkSizes shrinks BulkCreateUsers' batches so that a small test crosses
// statement and transaction boundaries; the returned func restores them.
func SetBulkSizes(rowsPerInsert, rowsPerTx int) (restore func()) {
	r, tx, pg := sqliteBulkRows, sqliteBulkTx, pgBulkTx
	sqliteBulkRows, sqliteBulkTx, pgBulkTx = rowsPerInsert, rowsPerTx, rowsPerTx
	return func() { sqliteBulkRows, sqliteBulkTx, pgBulkTx = r, tx, pg }
}

// WaitListener waits until the PostgreSQL auth-generation listener is live
// (true at once on SQLite).
func WaitListener(db *DB, d time.Duration) bool {
	if db.pgw == nil {
		return true
	}
	db.pgw.generation()
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
		if db.pgw.live.Load() {
			return true
		}
	}
	return false
}

// UsesWALIndex reports whether AuthGeneration watches the WAL-index header
// (after a first call has opened the watch).
func UsesWALIndex(db *DB) bool {
	if db.gen == nil {
		return false
	}
	db.gen.mu.Lock()
	defer db.gen.mu.Unlock()
	return db.gen.wal != nil
}
