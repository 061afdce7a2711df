package loadgen

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

// countWorkload's workers sleep and count; worker setup fails for id failID.
type countWorkload struct {
	noClose
	ops    atomic.Int64
	sleep  time.Duration
	failID int
	errAt  int64 // operations with this seq fail (-1: none)
}

// NewWorker fails for failID.
func (w *countWorkload) NewWorker(_ context.Context, id int) (Worker, error) {
	if id == w.failID {
		return nil, errors.New("no such user")
	}
	return countWorker{w}, nil
}

// countWorker is a countWorkload's worker.
type countWorker struct{ w *countWorkload }

// Do counts, sleeps (or is cancelled) and fails at seq errAt.
func (c countWorker) Do(ctx context.Context, seq int64) (int, error) {
	c.w.ops.Add(1)
	select {
	case <-time.After(c.w.sleep):
	case <-ctx.Done():
		return 1, ctx.Err()
	}
	if seq == c.w.errAt {
		return 1, opErrorf(KindBody, "seq %d", seq)
	}
	return 1, nil
}

func TestRunMaxOps(t *testing.T) {
	w := &countWorkload{failID: -1, errAt: 3}
	res, err := Run(context.Background(), w, RunOptions{Concurrency: 3, Duration: time.Minute, MaxOps: 25})
	if err != nil {
		t.Fatal(err)
	}
	if res.Stop != StopMaxOps || res.Completed != 25 || res.Failed != 1 || res.Requests != 25 || w.ops.Load() != 25 {
		t.Fatalf("result = %+v, ops %d", res, w.ops.Load())
	}
	if res.Concurrency != 3 || res.Wall <= 0 || res.OpsPerSec() <= 0 {
		t.Fatalf("result = %+v", res)
	}
}

func TestRunWarmupNotCounted(t *testing.T) {
	w := &countWorkload{failID: -1, errAt: -1, sleep: time.Millisecond}
	res, err := Run(context.Background(), w, RunOptions{Concurrency: 2, Duration: 50 * time.Millisecond, MaxOps: 1000, Warmup: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if res.Stop != StopDuration || res.Completed == 0 || w.ops.Load() <= res.Completed {
		t.Fatalf("result = %+v after %d ops in all: warm-up ops must not count", res, w.ops.Load())
	}
	if res.Latency.P50 < time.Millisecond {
		t.Errorf("p50 %s < the 1ms sleep", res.Latency.P50)
	}
}

func TestRunInterrupted(t *testing.T) {
	w := &countWorkload{failID: -1, errAt: -1, sleep: time.Hour}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	res, err := Run(ctx, w, RunOptions{Concurrency: 2, Duration: time.Minute, MaxOps: 10})
	if err != nil {
		t.Fatal(err)
	}
	// The two cut-short operations are dropped, not counted as errors.
	if res.Stop != StopInterrupted || res.Completed != 0 || res.Failed != 0 {
		t.Fatalf("result = %+v", res)
	}
}

func TestRunSetupFailure(t *testing.T) {
	w := &countWorkload{failID: 1, errAt: -1}
	if _, err := Run(context.Background(), w, RunOptions{Concurrency: 2, Duration: time.Second, MaxOps: 10}); err == nil {
		t.Fatal("want the worker setup error")
	}
	if w.ops.Load() != 0 {
		t.Fatal("ran operations after a failed setup")
	}
	if _, err := Run(context.Background(), w, RunOptions{}); err == nil {
		t.Fatal("zero options accepted")
	}
}
