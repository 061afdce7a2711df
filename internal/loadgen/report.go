package loadgen

import (
	"encoding/json"
	"io"
	"time"
)

// SchemaVersion is the version of the JSON report's layout.
const SchemaVersion = 1

// Report is the outcome of one gatehouse-bench invocation; its JSON form is
// what -json prints and -out writes.
type Report struct {
	Tool          string           `json:"tool"`           // "gatehouse-bench"
	SchemaVersion int              `json:"schema_version"` // SchemaVersion
	Target        string           `json:"target"`
	RunID         string           `json:"run_id"` // part of signup usernames
	StartedAt     time.Time        `json:"started_at"`
	GoVersion     string           `json:"go_version"`
	NumCPU        int              `json:"num_cpu"`
	Settings      Settings         `json:"settings"`
	Scenarios     []ScenarioReport `json:"scenarios"`
	Ratios        []Ratio          `json:"ratios"`
}

// Settings are the run-wide options that shaped the numbers.
type Settings struct {
	DurationS float64 `json:"duration_s"`
	WarmupS   float64 `json:"warmup_s"`
	MaxOps    int64   `json:"max_ops"`
	Users     int     `json:"users"`
	Prefix    string  `json:"prefix"`
	Hasher    string  `json:"hasher"`
}

// ScenarioReport is one scenario's row. An operation is one iteration of
// the scenario: one request for baseline, page and authed, one whole login
// or signup (GET form, POST, redirect: 3 requests), one verification for
// hash. Latencies are those of successful operations.
type ScenarioReport struct {
	Name         string  `json:"name"`
	URL          string  `json:"url,omitempty"` // first URL requested (none for hash)
	Concurrency  int     `json:"concurrency"`
	WallS        float64 `json:"wall_s"`
	Stop         string  `json:"stop"` // "duration", "max_ops", "interrupted" or "failed"
	Ops          int64   `json:"ops"`  // completed operations, successful or not
	OK           int64   `json:"ok"`
	Errors       int64   `json:"errors"`
	HTTPRequests int64   `json:"http_requests"`
	// OpsPerSec is successful operations per second of wall time: the
	// scenario's requests/s.
	OpsPerSec          float64          `json:"ops_per_sec"`
	HTTPRequestsPerSec float64          `json:"http_requests_per_sec"`
	LatencyMS          LatencyMS        `json:"latency_ms"`
	ErrorKinds         map[string]int64 `json:"error_kinds"`   // e.g. {"status 500": 3, "body": 1}
	ErrorSamples       []string         `json:"error_samples"` // a few error messages
	Hasher             string           `json:"hasher,omitempty"`
	Failed             string           `json:"failed,omitempty"` // why the scenario could not run
	// CPUPerOpMS is the CPU time per successful operation, where measured.
	CPUPerOpMS *CPUPerOp `json:"cpu_ms_per_op,omitempty"`
}

// CPUPerOp is CPU time per successful operation in milliseconds: the
// tool's process, and the server's when the tool found it (Server is then
// set and ServerPID names it; 10 ms resolution over the whole phase).
type CPUPerOp struct {
	Tool      float64  `json:"tool"`
	Server    *float64 `json:"server,omitempty"`
	ServerPID int      `json:"server_pid,omitempty"`
}

// newCPUPerOp divides u over ok operations; nil when nothing was measured.
func newCPUPerOp(u CPUUse, ok int64) *CPUPerOp {
	if !u.Known || ok <= 0 {
		return nil
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) / float64(ok) }
	c := &CPUPerOp{Tool: ms(u.Tool)}
	if u.ServerPID > 0 {
		s := ms(u.Server)
		c.Server, c.ServerPID = &s, u.ServerPID
	}
	return c
}

// LatencyMS is a latency distribution in milliseconds.
type LatencyMS struct {
	Min  float64 `json:"min"`
	Mean float64 `json:"mean"`
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	Max  float64 `json:"max"`
}

// Ratio compares a scenario's ops/s with its ceiling's, against the
// project's target. When the ceiling ran more than once in the invocation
// (scripts/bench.sh runs it before and after the scenarios it bounds), its
// ops/s is the mean of those runs, so that a machine whose speed drifts
// during the run biases the ratio neither way.
type Ratio struct {
	Scenario         string  `json:"scenario"`
	Ceiling          string  `json:"ceiling"`
	CeilingOpsPerSec float64 `json:"ceiling_ops_per_sec"`
	CeilingRuns      int     `json:"ceiling_runs"`
	Ratio            float64 `json:"ratio"`  // scenario ops/s ÷ ceiling ops/s
	Target           float64 `json:"target"` // the goal: Ratio ≥ Target
	Met              bool    `json:"met"`
}

// newScenarioReport turns a Result into a row.
func newScenarioReport(name string, r Result) ScenarioReport {
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	errs := r.Errors
	if errs == nil {
		errs = map[string]int64{}
	}
	samples := r.Samples
	if samples == nil {
		samples = []string{}
	}
	return ScenarioReport{
		Name:               name,
		Concurrency:        r.Concurrency,
		WallS:              r.Wall.Seconds(),
		Stop:               r.Stop,
		Ops:                r.Completed,
		OK:                 r.Succeeded,
		Errors:             r.Failed,
		HTTPRequests:       r.Requests,
		OpsPerSec:          r.OpsPerSec(),
		HTTPRequestsPerSec: r.RequestsPerSec(),
		LatencyMS: LatencyMS{
			Min: ms(r.Latency.Min), Mean: ms(r.Latency.Mean), P50: ms(r.Latency.P50),
			P90: ms(r.Latency.P90), P99: ms(r.Latency.P99), Max: ms(r.Latency.Max),
		},
		ErrorKinds:   errs,
		ErrorSamples: samples,
		CPUPerOpMS:   newCPUPerOp(r.CPU, r.Succeeded),
	}
}

// computeRatios fills rep.Ratios for every scenario whose ceiling also ran
// successfully in this invocation, against the mean of the ceiling's runs.
func (rep *Report) computeRatios() {
	rep.Ratios = []Ratio{}
	for _, s := range rep.Scenarios {
		spec, _ := lookupScenario(s.Name)
		if spec.ceiling == "" || s.Failed != "" {
			continue
		}
		ceiling, runs := rep.meanOpsPerSec(spec.ceiling)
		if runs == 0 || ceiling <= 0 {
			continue
		}
		ratio := s.OpsPerSec / ceiling
		rep.Ratios = append(rep.Ratios, Ratio{
			Scenario: s.Name, Ceiling: spec.ceiling, CeilingOpsPerSec: ceiling, CeilingRuns: runs,
			Ratio: ratio, Target: spec.target, Met: ratio >= spec.target,
		})
	}
}

// meanOpsPerSec returns the mean ops/s of the successful rows of scenario
// name, and how many there were.
func (rep *Report) meanOpsPerSec(name string) (float64, int) {
	var sum float64
	n := 0
	for _, s := range rep.Scenarios {
		if s.Name == name && s.Failed == "" {
			sum += s.OpsPerSec
			n++
		}
	}
	if n == 0 {
		return 0, 0
	}
	return sum / float64(n), n
}

// find returns the last row of scenario name, or nil.
func (rep *Report) find(name string) *ScenarioReport {
	for i := len(rep.Scenarios) - 1; i >= 0; i-- {
		if rep.Scenarios[i].Name == name {
			return &rep.Scenarios[i]
		}
	}
	return nil
}

// ratioOf returns the Ratio of scenario name, or nil.
func (rep *Report) ratioOf(name string) *Ratio {
	for i := range rep.Ratios {
		if rep.Ratios[i].Scenario == name {
			return &rep.Ratios[i]
		}
	}
	return nil
}

// Failed reports whether a scenario could not run or any operation failed.
func (rep *Report) Failed() bool {
	for _, s := range rep.Scenarios {
		if s.Failed != "" || s.Errors > 0 {
			return true
		}
	}
	return false
}

// WriteJSON writes rep as indented JSON.
func WriteJSON(w io.Writer, rep *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}
