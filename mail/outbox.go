package mail

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	mathrand "math/rand/v2"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// The defaults of an [Outbox].
const (
	DefaultOutboxPoll  = 5 * time.Second
	DefaultOutboxLease = time.Minute
	DefaultMaxAttempts = 10
	DefaultRetryBase   = 30 * time.Second
	DefaultRetryMax    = time.Hour
	DefaultOutboxBatch = 4
	DefaultKeepSent    = 7 * 24 * time.Hour
)

const (
	maxLastErrorBytes   = 500              // the longest LastError stored
	outboxStoreTimeout  = 30 * time.Second // bounds each store call that records an outcome
	outboxPurgeInterval = time.Hour        // how often Run deletes old sent messages
)

// Outbox delivers the messages of an [OutboxStore] through a [Mailer]: it
// claims the due messages under a lease, sends them, and records each
// outcome. A failed attempt is retried later, after an exponential backoff
// with jitter (RetryBase, doubling up to RetryMax), until MaxAttempts
// attempts have failed; then the message is marked failed. So an outage of
// the mail server delays mail and blocks nothing, and several Outboxes —
// in one process or on several servers sharing a database — deliver every
// message once: a claim is exclusive while its lease lasts, and each send is
// given at most half the lease. A message whose worker stopped mid-send is
// claimed again when its lease ends.
//
// A message the mailer refuses as invalid ([ErrInvalidMessage]) fails at
// once; every other error, permanent SMTP replies included, is retried, as a
// 5xx may come from a misconfiguration (rejected credentials, a relay that
// refuses the sender) that an operator fixes before the attempts run out.
//
// Set the fields before calling Run or Deliver and do not change them
// afterwards; the zero value of each field but Store and Mailer works. An
// Outbox must not be copied after first use.
type Outbox struct {
	// Store holds the messages; required.
	Store OutboxStore
	// Mailer sends them; required. It should stop waiting when its context
	// is done, as the Mailer contract asks.
	Mailer Mailer
	// Log receives a line for each message sent, each failed attempt, each
	// message given up and each store failure: ids, recipients, attempts and
	// errors, never a body. The default is slog.Default().
	Log *slog.Logger
	// Now is the clock of the times the outbox stores (due times, leases,
	// sending times). The default is time.Now.
	Now func() time.Time
	// Poll is how long Run waits between looks for due messages when Wake
	// is not called. The default is DefaultOutboxPoll (5 s).
	Poll time.Duration
	// Lease is how long a claim keeps a message from other workers; each
	// send is cancelled after half of it. The default is DefaultOutboxLease
	// (1 minute).
	Lease time.Duration
	// MaxAttempts is how many attempts a message gets before it is marked
	// failed. The default is DefaultMaxAttempts (10).
	MaxAttempts int
	// RetryBase is the wait after the first failed attempt; it doubles after
	// each further one, up to RetryMax. The actual wait is drawn between
	// half of it and all of it. The defaults are DefaultRetryBase (30 s) and
	// DefaultRetryMax (1 h).
	RetryBase, RetryMax time.Duration
	// Batch is how many messages one claim takes and how many are sent at
	// once. The default is DefaultOutboxBatch (4).
	Batch int
	// KeepSent is how long Run keeps sent messages (without their bodies)
	// before it deletes them; negative keeps them forever. The default is
	// DefaultKeepSent (7 days).
	KeepSent time.Duration
	// Owner names this worker in the leases it takes. The default is the
	// host name, the process id and a random suffix.
	Owner string

	mu        sync.Mutex
	wake      chan struct{}
	owner     string
	lastPurge time.Time
}

// Wake makes Run look for due messages now rather than at its next poll,
// for example right after a message was enqueued in this process (see
// sqlstore's DB.OnEnqueue). It never blocks; calls before Run starts count.
func (o *Outbox) Wake() {
	select {
	case o.wakeChan() <- struct{}{}:
	default:
	}
}

// Run delivers messages until ctx is done: a pass of Deliver at start, on
// each Wake and every Poll, and now and then a deletion of the messages sent
// longer than KeepSent ago. Store failures are logged and retried at the
// next pass. Once ctx is done, Run lets the sends under way finish and
// record their outcome (each bounded by half the lease), then returns nil.
// It returns an error only when the Outbox is misconfigured.
func (o *Outbox) Run(ctx context.Context) error {
	if err := o.check(); err != nil {
		return err
	}
	wake := o.wakeChan()
	for {
		if _, err := o.Deliver(ctx); err != nil && ctx.Err() == nil {
			o.log().Error("mail outbox: delivery pass failed", "err", err)
		}
		if ctx.Err() == nil {
			o.purge(ctx)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-wake:
		case <-time.After(o.poll()):
		}
	}
}

// Deliver claims the messages due now, a batch at a time, sends each and
// records the outcome, until no message is due; it returns how many were
// sent. A failed attempt is not an error (it is recorded and logged); the
// error reports a store failure, a misconfigured Outbox, or ctx ending
// before every due message was claimed.
func (o *Outbox) Deliver(ctx context.Context) (int, error) {
	if err := o.check(); err != nil {
		return 0, err
	}
	sent := 0
	for {
		if err := ctx.Err(); err != nil {
			return sent, err
		}
		now := o.now()
		batch, err := o.Store.Claim(ctx, o.ownerName(), now, now.Add(o.lease()), o.batch())
		if err != nil {
			return sent, fmt.Errorf("mail: outbox: claim: %w", err)
		}
		sent += o.deliverBatch(ctx, batch)
		if len(batch) < o.batch() {
			return sent, nil
		}
	}
}

// deliverBatch sends the claimed messages at once and returns how many were
// sent.
func (o *Outbox) deliverBatch(ctx context.Context, batch []*Queued) int {
	var (
		wg   sync.WaitGroup
		sent atomic.Int64
	)
	for _, q := range batch {
		wg.Go(func() {
			if o.deliverOne(ctx, q) {
				sent.Add(1)
			}
		})
	}
	wg.Wait()
	return int(sent.Load())
}

// deliverOne makes one attempt at q and records its outcome; it reports
// whether q was sent. Once started, the attempt ignores ctx's end: a send
// that is cut short could have reached the server, and sending the message
// again would deliver it twice.
func (o *Outbox) deliverOne(ctx context.Context, q *Queued) bool {
	ctx = context.WithoutCancel(ctx)
	log := o.log().With("id", q.ID, "to", q.Message.To, "attempt", q.Attempts)
	limit := o.maxAttempts()
	if q.Attempts > limit {
		msg := fmt.Sprintf("gave up after %d attempts (the last worker stopped before recording its outcome)", limit)
		o.record(ctx, log, func(ctx context.Context) error { return o.Store.MarkFailed(ctx, q, msg) })
		log.Error("mail outbox: message failed", "err", msg)
		return false
	}
	sctx, cancel := context.WithTimeout(ctx, o.lease()/2)
	err := o.Mailer.Send(sctx, q.Message)
	cancel()
	switch {
	case err == nil:
		at := o.now()
		o.record(ctx, log, func(ctx context.Context) error { return o.Store.MarkSent(ctx, q, at) })
		log.Info("mail sent")
		return true
	case errors.Is(err, ErrInvalidMessage) || q.Attempts >= limit:
		msg := lastError(err)
		if !errors.Is(err, ErrInvalidMessage) {
			msg = lastError(fmt.Errorf("gave up after %d attempts: %w", q.Attempts, err))
		}
		o.record(ctx, log, func(ctx context.Context) error { return o.Store.MarkFailed(ctx, q, msg) })
		log.Error("mail outbox: message failed", "err", msg)
	default:
		next := o.now().Add(o.backoff(q.Attempts))
		o.record(ctx, log, func(ctx context.Context) error { return o.Store.MarkRetry(ctx, q, next, lastError(err)) })
		log.Warn("mail outbox: attempt failed, will retry", "next_attempt", next, "err", err)
	}
	return false
}

// record stores an outcome, trying three times over a few seconds: an
// outcome that is not stored makes the message due again when its lease
// ends, and a sent message would then be sent twice.
func (o *Outbox) record(ctx context.Context, log *slog.Logger, mark func(context.Context) error) {
	var err error
	for try := range 3 {
		if try > 0 {
			time.Sleep(time.Duration(try) * time.Second)
		}
		mctx, cancel := context.WithTimeout(ctx, outboxStoreTimeout)
		err = mark(mctx)
		cancel()
		if err == nil || errors.Is(err, ErrLeaseLost) {
			break
		}
	}
	switch {
	case errors.Is(err, ErrLeaseLost):
		log.Warn("mail outbox: lease lost before the outcome was recorded", "err", err)
	case err != nil:
		log.Error("mail outbox: recording the outcome failed; the message is due again when its lease ends", "err", err)
	}
}

// purge deletes the messages sent longer than KeepSent ago, at most once an
// hour.
func (o *Outbox) purge(ctx context.Context) {
	keep := o.KeepSent
	if keep == 0 {
		keep = DefaultKeepSent
	}
	if keep < 0 {
		return
	}
	now := o.now()
	o.mu.Lock()
	due := o.lastPurge.IsZero() || now.Sub(o.lastPurge) >= outboxPurgeInterval
	if due {
		o.lastPurge = now
	}
	o.mu.Unlock()
	if !due {
		return
	}
	n, err := o.Store.DeleteSent(ctx, now.Add(-keep))
	switch {
	case err != nil:
		o.log().Error("mail outbox: deleting sent messages failed", "err", err)
	case n > 0:
		o.log().Info("mail outbox: sent messages deleted", "count", n)
	}
}

// backoff returns the wait after the given number of failed attempts:
// RetryBase doubled attempts-1 times, at most RetryMax, drawn between half
// of that and all of it.
func (o *Outbox) backoff(attempts int) time.Duration {
	base, ceiling := o.RetryBase, o.RetryMax
	if base <= 0 {
		base = DefaultRetryBase
	}
	if ceiling <= 0 {
		ceiling = DefaultRetryMax
	}
	d := ceiling
	if shift := max(attempts, 1) - 1; shift < 62 {
		if b := base << shift; b > 0 && b < ceiling {
			d = b
		}
	}
	return d/2 + mathrand.N(d/2+1)
}

// lastError returns err's text as a LastError: one line of at most
// maxLastErrorBytes.
func lastError(err error) string {
	s := strings.Join(strings.Fields(err.Error()), " ")
	if len(s) <= maxLastErrorBytes {
		return s
	}
	s = s[:maxLastErrorBytes-len("…")]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s + "…"
}

// check reports a misconfigured Outbox.
func (o *Outbox) check() error {
	switch {
	case o.Store == nil:
		return errors.New("mail: outbox: no Store")
	case o.Mailer == nil:
		return errors.New("mail: outbox: no Mailer")
	case o.Poll < 0 || o.Lease < 0 || o.RetryBase < 0 || o.RetryMax < 0:
		return errors.New("mail: outbox: Poll, Lease, RetryBase and RetryMax must not be negative")
	case o.MaxAttempts < 0 || o.Batch < 0:
		return errors.New("mail: outbox: MaxAttempts and Batch must not be negative")
	}
	return nil
}

func (o *Outbox) wakeChan() chan struct{} {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.wake == nil {
		o.wake = make(chan struct{}, 1)
	}
	return o.wake
}

func (o *Outbox) ownerName() string {
	if o.Owner != "" {
		return o.Owner
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.owner == "" {
		host, _ := os.Hostname()
		o.owner = fmt.Sprintf("%s/%d/%s", host, os.Getpid(), rand.Text()[:8])
	}
	return o.owner
}

func (o *Outbox) log() *slog.Logger {
	if o.Log != nil {
		return o.Log
	}
	return slog.Default()
}

func (o *Outbox) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

func (o *Outbox) poll() time.Duration  { return orDefault(o.Poll, DefaultOutboxPoll) }
func (o *Outbox) lease() time.Duration { return orDefault(o.Lease, DefaultOutboxLease) }
func (o *Outbox) maxAttempts() int     { return orDefault(o.MaxAttempts, DefaultMaxAttempts) }
func (o *Outbox) batch() int           { return orDefault(o.Batch, DefaultOutboxBatch) }

// orDefault returns v when it is positive, otherwise def.
func orDefault[T int | time.Duration](v, def T) T {
	if v > 0 {
		return v
	}
	return def
}
