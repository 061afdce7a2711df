package loadgen

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestPercentileNearestRank(t *testing.T) {
	v := make([]int64, 100)
	for i := range v {
		v[i] = int64(i + 1) // 1..100
	}
	for _, c := range []struct {
		p    float64
		want int64
	}{{50, 50}, {90, 90}, {99, 99}, {100, 100}, {0.1, 1}, {99.9, 100}} {
		if got := Percentile(v, c.p); got != c.want {
			t.Errorf("p%v = %d, want %d", c.p, got, c.want)
		}
	}
	if got := Percentile([]int64{7}, 99); got != 7 {
		t.Errorf("single value: %d", got)
	}
	if got := Percentile(nil, 50); got != 0 {
		t.Errorf("empty: %d", got)
	}
	// Three values: p50 is the 2nd (rank ceil(1.5) = 2), p90 the 3rd.
	if Percentile([]int64{1, 2, 3}, 50) != 2 || Percentile([]int64{1, 2, 3}, 90) != 3 {
		t.Error("small slices")
	}
}

func TestRecorderConcurrent(t *testing.T) {
	r := NewRecorder(1000)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for {
				i, ok := r.Ticket()
				if !ok {
					return
				}
				r.AddRequests(2)
				if i%10 == 0 {
					r.Failure(i, opErrorf(StatusKind(503), "op %d", i))
					continue
				}
				r.Success(i, time.Duration(i+1)*time.Microsecond)
			}
		})
	}
	wg.Wait()
	s := r.Summarize()
	if s.Completed != 1000 || s.Succeeded != 900 || s.Failed != 100 || s.Requests != 2000 {
		t.Fatalf("summary = %+v", s)
	}
	if s.Errors["status 503"] != 100 || len(s.Errors) != 1 {
		t.Errorf("errors = %v", s.Errors)
	}
	if len(s.Samples) != maxSamples {
		t.Errorf("%d samples, want %d", len(s.Samples), maxSamples)
	}
	// Successful latencies are i+1 µs for i not divisible by 10: 2..1000
	// without 1, 11, 21, …; the largest is 1000 µs.
	if s.Latency.Max != 1000*time.Microsecond || s.Latency.Min != 2*time.Microsecond {
		t.Errorf("latency = %+v", s.Latency)
	}
	if s.Latency.P50 < 400*time.Microsecond || s.Latency.P50 > 600*time.Microsecond {
		t.Errorf("p50 = %s", s.Latency.P50)
	}
}

func TestRecorderSamplesEachKind(t *testing.T) {
	r := NewRecorder(100)
	for i := range 20 {
		r.Failure(int64(i), opErrorf(KindBody, "same message"))
	}
	for i := 20; i < 30; i++ {
		r.Failure(int64(i), fmt.Errorf("dial %d", i))
	}
	r.Failure(30, opErrorf(KindHash, "late kind"))
	s := r.Summarize()
	if s.Errors[KindBody] != 20 || s.Errors[KindTransport] != 10 || s.Errors[KindHash] != 1 {
		t.Fatalf("errors = %v", s.Errors)
	}
	// One distinct body message, then four transport ones; the hash kind
	// still gets its sample.
	if len(s.Samples) != 6 || s.Samples[5] != "hash: late kind" {
		t.Errorf("samples = %q", s.Samples)
	}
	if errorKind(errors.New("x")) != KindTransport {
		t.Error("plain errors are transport errors")
	}
}
