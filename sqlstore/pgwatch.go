package sqlstore

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// pgWatch follows the auth generation of a PostgreSQL database without a
// query per request: one connection LISTENs on the channel the generation
// triggers notify (at commit), and this process's own changes count at once.
//
// It hands out its own counter, which moves whenever a notification arrives
// or this process commits a change that could move the generation. While the
// listener is down (not yet connected, or the connection broke), callers
// read the row itself; the counter then resumes above every value read.
type pgWatch struct {
	url     string
	log     *slog.Logger
	counter atomic.Int64
	live    atomic.Bool
	mu      sync.Mutex // orders resume against row reads
	lastRow int64
	start   sync.Once
	cancel  context.CancelFunc // set by the first generation call
	done    chan struct{}
}

const pgGenChannel = "gh_auth_generation"

func newPGWatch(url string) *pgWatch {
	return &pgWatch{url: url, log: slog.Default()}
}

// generation returns the counter, or ok=false when the listener is down.
// The first call starts the listener (after Migrate has made the table).
func (w *pgWatch) generation() (int64, bool) {
	w.start.Do(func() {
		ctx, cancel := context.WithCancel(context.Background())
		w.mu.Lock()
		w.cancel, w.done = cancel, make(chan struct{})
		w.mu.Unlock()
		go w.run(ctx)
	})
	if !w.live.Load() {
		return 0, false
	}
	return w.counter.Load(), true
}

// rowRead records a generation read from the row while the listener was down.
func (w *pgWatch) rowRead(v int64) {
	w.mu.Lock()
	w.lastRow = max(w.lastRow, v)
	w.mu.Unlock()
}

// changed counts a committed change of this process.
func (w *pgWatch) changed() { w.counter.Add(1) }

func (w *pgWatch) close() {
	w.start.Do(func() {}) // never start after Close
	w.mu.Lock()
	cancel, done := w.cancel, w.done
	w.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
}

// run keeps a listening connection, reconnecting with backoff.
func (w *pgWatch) run(ctx context.Context) {
	defer close(w.done)
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := w.listen(ctx)
		w.live.Store(false)
		if ctx.Err() != nil {
			return
		}
		w.log.Warn("sqlstore: auth generation listener down; reading the row per request", "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

func (w *pgWatch) listen(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, w.url)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+pgGenChannel); err != nil {
		return err
	}
	// Listening first, then the row: no change can fall between the two.
	var v int64
	if err := conn.QueryRow(ctx, qAuthGeneration).Scan(&v); err != nil {
		return err
	}
	w.mu.Lock()
	// Resume above every value handed out before, whichever way it was read.
	w.counter.Store(max(w.counter.Load(), w.lastRow, v) + 1)
	w.live.Store(true)
	w.mu.Unlock()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		if _, err := strconv.ParseInt(n.Payload, 10, 64); err == nil || n.Payload == "" {
			w.counter.Add(1)
		}
	}
}
