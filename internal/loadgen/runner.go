package loadgen

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Workload is a scenario ready to run: it makes one Worker per virtual user.
type Workload interface {
	// NewWorker prepares virtual user id (0-based); for authed it logs in.
	// It is not timed.
	NewWorker(ctx context.Context, id int) (Worker, error)
	// Close releases what the workload holds (the baseline's server).
	Close() error
}

// Worker is one virtual user. Its Do is called by one goroutine at a time.
type Worker interface {
	// Do runs one operation; seq numbers the operations of a phase from 0
	// across all workers. It returns how many HTTP requests it sent.
	Do(ctx context.Context, seq int64) (requests int, err error)
}

// RunOptions bound one scenario's run.
type RunOptions struct {
	Concurrency int           // workers (virtual users)
	Duration    time.Duration // measured phase length
	MaxOps      int64         // at most this many measured operations
	Warmup      time.Duration // unmeasured phase before it (0: none)
	ServerPID   int           // the server's process, for Result.CPU (0: none)
}

// Stop reasons of a Result.
const (
	StopDuration    = "duration"    // the measured phase ran its -duration
	StopMaxOps      = "max_ops"     // it reached -n operations first
	StopInterrupted = "interrupted" // the context was cancelled (Ctrl-C)
)

// Result is the outcome of a scenario's measured phase.
type Result struct {
	Summary
	Concurrency int
	Wall        time.Duration // from the phase's start until every worker stopped
	Stop        string        // StopDuration, StopMaxOps or StopInterrupted
	CPU         CPUUse        // CPU used by the tool and the server during the phase
}

// OpsPerSec is successful operations per second of wall time.
func (r Result) OpsPerSec() float64 { return perSec(r.Succeeded, r.Wall) }

// RequestsPerSec is HTTP requests (successful or not) per second of wall time.
func (r Result) RequestsPerSec() float64 { return perSec(r.Requests, r.Wall) }

// perSec returns n per second of d.
func perSec(n int64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// Run makes opts.Concurrency workers of w, runs them for opts.Warmup
// unmeasured, then for opts.Duration or opts.MaxOps operations, whichever
// comes first, and returns the measured Result. Operations in flight when
// the duration ends are waited for and counted; operations cut short by
// cancelling ctx are dropped, and the Result says it was interrupted.
func Run(ctx context.Context, w Workload, opts RunOptions) (Result, error) {
	if opts.Concurrency < 1 || opts.MaxOps < 1 || opts.Duration <= 0 {
		return Result{}, fmt.Errorf("run: need concurrency ≥ 1, max ops ≥ 1 and a duration > 0")
	}
	workers, err := newWorkers(ctx, w, opts.Concurrency)
	if err != nil {
		return Result{}, err
	}
	if opts.Warmup > 0 {
		// Warm-up operations are numbered like measured ones (so login
		// users rotate alike) but recorded nowhere.
		phase(ctx, workers, opts.Warmup, nil)
	}
	if ctx.Err() != nil {
		return Result{Concurrency: opts.Concurrency, Stop: StopInterrupted}, nil
	}
	rec := NewRecorder(opts.MaxOps)
	cpu := startCPU(opts.ServerPID)
	wall := phase(ctx, workers, opts.Duration, rec)
	res := Result{Summary: rec.Summarize(), Concurrency: opts.Concurrency, Wall: wall, Stop: StopDuration,
		CPU: cpu.stop()}
	switch {
	case ctx.Err() != nil:
		res.Stop = StopInterrupted
	case rec.next.Load() >= opts.MaxOps:
		res.Stop = StopMaxOps
	}
	return res, nil
}

// newWorkers makes n workers of w concurrently.
func newWorkers(ctx context.Context, w Workload, n int) ([]Worker, error) {
	workers := make([]Worker, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { workers[i], errs[i] = w.NewWorker(ctx, i) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("setting up virtual user %d: %w", i, err)
		}
	}
	return workers, nil
}

// phase runs every worker until d has passed, rec has no tickets left or ctx
// is cancelled, and returns the wall time until the last one stopped. With a
// nil rec (warm-up) nothing is recorded.
func phase(ctx context.Context, workers []Worker, d time.Duration, rec *Recorder) time.Duration {
	var stop atomic.Bool
	var seq atomic.Int64 // ticket source when rec is nil
	start := time.Now()
	timer := time.AfterFunc(d, func() { stop.Store(true) })
	defer timer.Stop()
	var wg sync.WaitGroup
	for _, w := range workers {
		wg.Go(func() {
			for !stop.Load() && ctx.Err() == nil {
				var i int64
				if rec != nil {
					var ok bool
					if i, ok = rec.Ticket(); !ok {
						return
					}
				} else {
					i = seq.Add(1) - 1
				}
				t0 := time.Now()
				n, err := w.Do(ctx, i)
				lat := time.Since(t0)
				if rec == nil {
					continue
				}
				rec.AddRequests(n)
				switch {
				case err == nil:
					rec.Success(i, lat)
				case ctx.Err() == nil:
					rec.Failure(i, err)
				}
			}
		})
	}
	wg.Wait()
	return time.Since(start)
}
