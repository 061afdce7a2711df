package sqlstore

// SetBulkSizes shrinks BulkCreateUsers' batches so that a small test crosses
// statement and transaction boundaries; the returned func restores them.
func SetBulkSizes(rowsPerInsert, rowsPerTx int) (restore func()) {
	r, tx, pg := sqliteBulkRows, sqliteBulkTx, pgBulkTx
	sqliteBulkRows, sqliteBulkTx, pgBulkTx = rowsPerInsert, rowsPerTx, rowsPerTx
	return func() { sqliteBulkRows, sqliteBulkTx, pgBulkTx = r, tx, pg }
}
