package sqlstore

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/gatehouse-auth/gatehouse/user"
)

// BulkCreateUsers inserts count active users named prefix0 … prefix{count-1},
// with the email addresses prefixN@example.com (each also a primary,
// unverified EmailAddress) and the Django-encoded password encodedPassword,
// for seeding benchmarks and load tests. Rows go in large batches, each batch
// in its own transaction (multi-row INSERTs on SQLite; COPY on PostgreSQL,
// two connections at a time). progress, when not nil, is called after each
// committed batch with the number of users inserted so far, by one goroutine
// at a time. A unique violation stops the run with a *user.DuplicateError;
// the batches committed by then stay.
func (db *DB) BulkCreateUsers(ctx context.Context, prefix string, count int, encodedPassword string, progress func(done int)) error {
	if db.tx != nil {
		return errors.New("sqlstore: BulkCreateUsers inside Atomic")
	}
	if count <= 0 {
		return nil
	}
	b := &bulkBatch{
		prefix:   prefix,
		count:    count,
		password: encodedPassword,
		joined:   utcMicro(time.Now()),
		progress: progress,
	}
	return db.d.bulkUsers(ctx, db, b)
}

// bulkBatch is the state of one BulkCreateUsers run.
type bulkBatch struct {
	prefix      string
	count, done int
	password    string
	joined      time.Time
	progress    func(done int)
}

// bulkRow is the computed columns of one user.
type bulkRow struct {
	username, usernameKey, skeleton, email, emailKey string
}

// row computes user i's columns, keys included, exactly as CreateUser does.
func (b *bulkBatch) row(i int) bulkRow {
	name := b.prefix + strconv.Itoa(i)
	email := name + "@example.com"
	return bulkRow{
		username:    name,
		usernameKey: user.CanonicalUsername(name),
		skeleton:    user.Skeleton(name),
		email:       email,
		emailKey:    user.CanonicalEmail(email),
	}
}

// report tells the caller how far the run is.
func (b *bulkBatch) report() {
	if b.progress != nil {
		b.progress(b.done)
	}
}
