package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

const qAuthGeneration = `SELECT v FROM gh_auth_generation WHERE id = 1`

// AuthGeneration returns the auth generation: a number that grows, in the
// same transaction, with every change that can alter what a signed-in
// request sees — a user's flags, names or password, a membership, a grant, a
// group or permission, a deleted session (triggers in the schema keep it).
// Writes made by any process, the CLI or another instance included, move it.
//
// On a SQLite file in WAL mode it first compares the WAL-index header, which
// every commit of any process rewrites, with the one it saw when it last
// read the row (see walIndex); only when it moved is the row read again.
// Elsewhere it asks one dedicated connection for PRAGMA data_version, which
// changes whenever another connection has committed. Either answer is as
// exact as reading the row every time, for a fraction of the cost.
//
// On PostgreSQL a listening connection learns of changes from notifications
// sent at commit, and this process's own changes count at once; the value is
// then a counter of this DB rather than the row (see pgWatch), and changes
// committed by other processes are seen as soon as their notification
// arrives (well under a millisecond on a healthy connection). While that
// connection is down, the row is read on every call.
func (db *DB) AuthGeneration(ctx context.Context) (int64, error) {
	if db.tx == nil {
		if db.gen != nil {
			return db.gen.get(ctx, db.read)
		}
		if db.pgw != nil {
			if v, ok := db.pgw.generation(); ok {
				return v, nil
			}
		}
	}
	var v int64
	if err := db.readRow(ctx, qAuthGeneration).Scan(&v); err != nil {
		return 0, fmt.Errorf("sqlstore: auth generation: %w", err)
	}
	if db.pgw != nil {
		db.pgw.rowRead(v)
	}
	return v, nil
}

// authChanged notes that this process committed a change that may move the
// auth generation (on a DB bound to a transaction, Atomic notes it at commit).
func (db *DB) authChanged() {
	if db.pgw != nil && db.tx == nil {
		db.pgw.changed()
	}
}

// genWatch caches the generation of a SQLite file behind its WAL-index
// header, or behind data_version where the header cannot be mapped.
type genWatch struct {
	path    string // the database file; "" for none (no WAL-index)
	mu      sync.Mutex
	conn    *sql.Conn
	version *sql.Stmt
	row     *sql.Stmt
	wal     *walIndex // nil: use data_version
	snap    walIndexSnapshot
	dv      int64
	gen     int64
	valid   bool
}

func (w *genWatch) get(ctx context.Context, pool *sql.DB) (int64, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.open(ctx, pool); err != nil {
		return 0, err
	}
	if w.wal != nil {
		// The snapshot is taken before the row is read: a commit between
		// the two changes the header again, and the next call reads anew.
		s, whole := w.wal.snapshot()
		if w.valid && whole && s == w.snap {
			return w.gen, nil
		}
		gen, err := w.readRow(ctx)
		if err != nil {
			return 0, err
		}
		w.snap, w.gen, w.valid = s, gen, whole
		return gen, nil
	}
	var dv int64
	if err := w.version.QueryRowContext(ctx).Scan(&dv); err != nil {
		w.reset()
		return 0, fmt.Errorf("sqlstore: data version: %w", err)
	}
	if w.valid && dv == w.dv {
		return w.gen, nil
	}
	gen, err := w.readRow(ctx)
	if err != nil {
		return 0, err
	}
	w.dv, w.gen, w.valid = dv, gen, true
	return gen, nil
}

// readRow reads the generation row on the watch's connection.
func (w *genWatch) readRow(ctx context.Context) (int64, error) {
	var gen int64
	if err := w.row.QueryRowContext(ctx).Scan(&gen); err != nil {
		w.reset()
		return 0, fmt.Errorf("sqlstore: auth generation: %w", err)
	}
	return gen, nil
}

// open takes a connection of its own from the read pool, once.
func (w *genWatch) open(ctx context.Context, pool *sql.DB) error {
	if w.conn != nil {
		return nil
	}
	c, err := pool.Conn(ctx)
	if err != nil {
		return fmt.Errorf("sqlstore: auth generation: %w", err)
	}
	v, err := c.PrepareContext(ctx, `PRAGMA data_version`)
	if err != nil {
		c.Close()
		return fmt.Errorf("sqlstore: auth generation: %w", err)
	}
	r, err := c.PrepareContext(ctx, qAuthGeneration)
	if err != nil {
		v.Close()
		c.Close()
		return fmt.Errorf("sqlstore: auth generation: %w", err)
	}
	w.conn, w.version, w.row = c, v, r
	w.wal = nil
	if w.path != "" {
		var mode string
		if err := c.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err == nil && mode == "wal" {
			if x, err := openWALIndex(w.path); err == nil {
				w.wal = x
			}
		}
	}
	return nil
}

// reset drops the connection after an error; the next call opens another.
func (w *genWatch) reset() {
	if w.conn != nil {
		w.version.Close()
		w.row.Close()
		w.conn.Close()
	}
	if w.wal != nil {
		w.wal.close()
	}
	w.conn, w.version, w.row, w.wal, w.valid = nil, nil, nil, nil, false
}

// close releases the connection (DB.Close).
func (w *genWatch) close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.reset()
}
