package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/gatehouse-auth/gatehouse/flow"
)

var _ flow.Store = (*DB)(nil)

// Flow queries that must use an index (see TestQueryPlans).
const (
	qFindFlow    = `SELECT id, kind, data, created_at, expires_at FROM gh_flows WHERE id = $1 AND expires_at > $2`
	qTakeFlow    = `DELETE FROM gh_flows WHERE id = $1 AND expires_at > $2 RETURNING id, kind, data, created_at, expires_at`
	qExpireFlows = `DELETE FROM gh_flows WHERE expires_at <= $1`
	qSaveFlow    = `INSERT INTO gh_flows (id, kind, data, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, data = excluded.data,
			created_at = excluded.created_at, expires_at = excluded.expires_at`
)

func scanFlow(s scanner) (flow.Flow, error) {
	var f flow.Flow
	err := s.Scan(&f.ID, &f.Kind, &f.Data, timeCol{&f.CreatedAt}, timeCol{&f.ExpiresAt})
	return f, err
}

// SaveFlow inserts f, or replaces the flow with the same ID.
func (db *DB) SaveFlow(ctx context.Context, f flow.Flow) error {
	_, err := db.writeExec(ctx, qSaveFlow, f.ID, f.Kind, f.Data, db.d.time(f.CreatedAt), db.d.time(f.ExpiresAt))
	if err != nil {
		return fmt.Errorf("sqlstore: save flow: %w", err)
	}
	return nil
}

// FindFlow returns the unexpired flow stored under id.
func (db *DB) FindFlow(ctx context.Context, id string, now time.Time) (flow.Flow, bool, error) {
	return flowResult("find flow", db.readRow(ctx, qFindFlow, id, db.d.time(now)))
}

// TakeFlow deletes and returns the unexpired flow stored under id, in one
// statement, so of concurrent takes exactly one gets the flow.
func (db *DB) TakeFlow(ctx context.Context, id string, now time.Time) (flow.Flow, bool, error) {
	return flowResult("take flow", db.writeRow(ctx, qTakeFlow, id, db.d.time(now)))
}

// DeleteExpiredFlows removes the flows that expired at or before now.
func (db *DB) DeleteExpiredFlows(ctx context.Context, now time.Time) (int64, error) {
	res, err := db.writeExec(ctx, qExpireFlows, db.d.time(now))
	if err != nil {
		return 0, fmt.Errorf("sqlstore: delete expired flows: %w", err)
	}
	return res.RowsAffected()
}

func flowResult(op string, row *sql.Row) (flow.Flow, bool, error) {
	f, err := scanFlow(row)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return flow.Flow{}, false, nil
	case err != nil:
		return flow.Flow{}, false, fmt.Errorf("sqlstore: %s: %w", op, err)
	}
	return f, true, nil
}
