package loadgen

import (
	"maps"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Sample limits: the first maxSamples distinct error messages are kept, and
// then the first of each further kind up to maxKindSamples in all.
const (
	maxSamples     = 5
	maxKindSamples = 10
)

// Recorder records the outcome of every operation of one measured phase. The
// run takes a ticket per operation; each ticket owns one slot of a latency
// slice allocated up front (bounded by -n), so recording takes no lock and
// no allocation, and percentiles are exact.
type Recorder struct {
	lat  []int64 // per ticket: latency in ns; 0 = no result; -1 = failed
	next atomic.Int64

	requests atomic.Int64

	mu      sync.Mutex
	kinds   map[string]int64
	samples []string
}

// NewRecorder returns a Recorder for at most n operations.
func NewRecorder(n int64) *Recorder {
	return &Recorder{lat: make([]int64, n), kinds: map[string]int64{}}
}

// Ticket returns the number of the next operation, or false when all n have
// been handed out.
func (r *Recorder) Ticket() (int64, bool) {
	i := r.next.Add(1) - 1
	return i, i < int64(len(r.lat))
}

// Success records that operation i succeeded after d.
func (r *Recorder) Success(i int64, d time.Duration) {
	r.lat[i] = max(int64(d), 1)
}

// Failure records that operation i failed with err, counted under its kind.
func (r *Recorder) Failure(i int64, err error) {
	r.lat[i] = -1
	kind := errorKind(err)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.kinds[kind]++
	if len(r.samples) < maxSamples || (r.kinds[kind] == 1 && len(r.samples) < maxKindSamples) {
		if msg := err.Error(); !slices.Contains(r.samples, msg) {
			r.samples = append(r.samples, msg)
		}
	}
}

// AddRequests counts n HTTP requests sent.
func (r *Recorder) AddRequests(n int) { r.requests.Add(int64(n)) }

// Latency is the distribution of the successful operations' latencies.
// Percentiles are exact, by the nearest-rank method.
type Latency struct {
	Min, Mean, P50, P90, P99, Max time.Duration
}

// Summary is what a Recorder recorded.
type Summary struct {
	Completed int64 // operations that finished, successful or not
	Succeeded int64
	Failed    int64
	Requests  int64 // HTTP requests sent (0 for hash)
	Latency   Latency
	Errors    map[string]int64 // failed operations by kind
	Samples   []string         // a few error messages
}

// Summarize computes the Summary. It reorders the recorded latencies, so it
// is called once, after the phase has ended.
func (r *Recorder) Summarize() Summary {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := Summary{
		Requests: r.requests.Load(),
		Errors:   maps.Clone(r.kinds),
		Samples:  slices.Clone(r.samples),
	}
	n := min(r.next.Load(), int64(len(r.lat)))
	ok := r.lat[:0]
	for _, d := range r.lat[:n] {
		switch {
		case d > 0:
			ok = append(ok, d)
		case d < 0:
			s.Failed++
		}
	}
	s.Succeeded = int64(len(ok))
	s.Completed = s.Succeeded + s.Failed
	s.Latency = latencyOf(ok)
	return s
}

// latencyOf sorts ns (nanoseconds) and returns its distribution.
func latencyOf(ns []int64) Latency {
	if len(ns) == 0 {
		return Latency{}
	}
	slices.Sort(ns)
	var sum float64
	for _, d := range ns {
		sum += float64(d)
	}
	return Latency{
		Min:  time.Duration(ns[0]),
		Mean: time.Duration(sum / float64(len(ns))),
		P50:  time.Duration(Percentile(ns, 50)),
		P90:  time.Duration(Percentile(ns, 90)),
		P99:  time.Duration(Percentile(ns, 99)),
		Max:  time.Duration(ns[len(ns)-1]),
	}
}

// Percentile returns the p-th percentile (0 < p ≤ 100) of sorted by the
// nearest-rank method: the smallest value that at least p% of the values
// are less than or equal to. It returns 0 for an empty slice.
func Percentile(sorted []int64, p float64) int64 {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}
