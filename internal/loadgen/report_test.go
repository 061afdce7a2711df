package loadgen

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

// sampleReport has every kind of row: ceilings, a target met, one missed,
// a failed scenario, errors.
func sampleReport() *Report {
	row := func(name string, ops int64, wall time.Duration) ScenarioReport {
		return newScenarioReport(name, Result{
			Summary:     Summary{Completed: ops, Succeeded: ops, Requests: ops, Latency: Latency{P50: time.Millisecond, P90: 2 * time.Millisecond, P99: 5 * time.Millisecond, Max: 40 * time.Millisecond}},
			Concurrency: 8, Wall: wall, Stop: StopDuration,
		})
	}
	login := row("login", 90, time.Second)
	login.Errors, login.Ops = 2, 92
	login.CPUPerOpMS = newCPUPerOp(CPUUse{Known: true, Tool: 90 * time.Millisecond, ServerPID: 42, Server: 1530 * time.Millisecond}, 90)
	hash := row("hash", 100, time.Second)
	hash.CPUPerOpMS = newCPUPerOp(CPUUse{Known: true, Tool: 1300 * time.Millisecond}, 100)
	login.ErrorKinds = map[string]int64{"status 429": 2}
	login.ErrorSamples = []string{"status 429: POST …: 429, want a redirect"}
	rep := &Report{Tool: "gatehouse-bench", SchemaVersion: SchemaVersion, Scenarios: []ScenarioReport{
		row("baseline", 10000, time.Second),
		row("authed", 6000, time.Second),
		row("page", 6000, time.Second),
		hash,
		login,
		{Name: "signup", Stop: "failed", Failed: "no form", ErrorKinds: map[string]int64{}, ErrorSamples: []string{}},
	}}
	rep.Scenarios[3].Hasher = "argon2 memory=19456KiB time=2 threads=1"
	rep.computeRatios()
	return rep
}

func TestRatios(t *testing.T) {
	rep := sampleReport()
	want := map[string]Ratio{
		"authed": {Scenario: "authed", Ceiling: "baseline", CeilingOpsPerSec: 10000, CeilingRuns: 1, Ratio: 0.6, Target: 0.5, Met: true},
		"page":   {Scenario: "page", Ceiling: "baseline", CeilingOpsPerSec: 10000, CeilingRuns: 1, Ratio: 0.6, Target: 0.7, Met: false},
		"login":  {Scenario: "login", Ceiling: "hash", CeilingOpsPerSec: 100, CeilingRuns: 1, Ratio: 0.9, Target: 0.9, Met: true},
	}
	if len(rep.Ratios) != len(want) {
		t.Fatalf("ratios = %+v", rep.Ratios)
	}
	for _, r := range rep.Ratios {
		w := want[r.Scenario]
		if r.Ceiling != w.Ceiling || r.CeilingRuns != w.CeilingRuns || math.Abs(r.CeilingOpsPerSec-w.CeilingOpsPerSec) > 1e-9 ||
			math.Abs(r.Ratio-w.Ratio) > 1e-9 || r.Target != w.Target || r.Met != w.Met {
			t.Errorf("ratio %+v, want %+v", r, w)
		}
	}
	if !rep.Failed() {
		t.Error("a report with errors and a failed scenario must be Failed")
	}
}

// TestRatioAgainstMeanOfCeilingRuns: a ceiling measured before and after
// the scenario counts as the mean of its runs; a failed run of it does not
// count.
func TestRatioAgainstMeanOfCeilingRuns(t *testing.T) {
	row := func(name string, ops int64) ScenarioReport {
		return newScenarioReport(name, Result{Summary: Summary{Completed: ops, Succeeded: ops, Requests: ops},
			Concurrency: 8, Wall: time.Second, Stop: StopDuration})
	}
	rep := &Report{Scenarios: []ScenarioReport{
		row("baseline", 30000), row("authed", 15000), row("baseline", 20000),
		{Name: "baseline", Stop: "failed", Failed: "refused", ErrorKinds: map[string]int64{}, ErrorSamples: []string{}},
	}}
	rep.computeRatios()
	if len(rep.Ratios) != 1 {
		t.Fatalf("ratios = %+v", rep.Ratios)
	}
	r := rep.Ratios[0]
	if r.CeilingRuns != 2 || r.CeilingOpsPerSec != 25000 || math.Abs(r.Ratio-0.6) > 1e-9 || !r.Met {
		t.Errorf("ratio %+v, want 60%% of the mean 25000 over 2 runs", r)
	}
	if got := ratioText(&r); !strings.Contains(got, "60% of baseline (mean of 2 runs)") {
		t.Errorf("table text %q", got)
	}
}

func TestTable(t *testing.T) {
	var b bytes.Buffer
	if err := WriteTable(&b, sampleReport()); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"scenario", "ops/s", "p99", "vs ceiling",
		"60% of baseline (target ≥ 50%) ok",
		"60% of baseline (target ≥ 70%) BELOW TARGET",
		"90% of hash (target ≥ 90%) ok",
		"10000.0", "1.00ms", "5.00ms", "40.0ms",
		"signup did not run: no form",
		"login: 2 errors: status 429 ×2",
		"hash: argon2 memory=19456KiB",
		"cpu per op", "hash        13.0ms", "login       1.00ms  17.0ms (pid 42)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasSuffix(line, " ") {
			t.Errorf("trailing space in %q", line)
		}
	}
}

func TestJSONSchema(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, sampleReport()); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	keys := func(v any) []string {
		var ks []string
		for k := range v.(map[string]any) {
			ks = append(ks, k)
		}
		slices.Sort(ks)
		return ks
	}
	wantTop := []string{"go_version", "num_cpu", "ratios", "run_id", "scenarios", "schema_version", "settings", "started_at", "target", "tool"}
	if got := keys(m); !slices.Equal(got, wantTop) {
		t.Errorf("top-level keys %v, want %v", got, wantTop)
	}
	row := m["scenarios"].([]any)[0]
	wantRow := []string{"concurrency", "error_kinds", "error_samples", "errors", "http_requests", "http_requests_per_sec",
		"latency_ms", "name", "ok", "ops", "ops_per_sec", "stop", "wall_s"}
	if got := keys(row); !slices.Equal(got, wantRow) {
		t.Errorf("row keys %v, want %v", got, wantRow)
	}
	lat := row.(map[string]any)["latency_ms"]
	if got := keys(lat); !slices.Equal(got, []string{"max", "mean", "min", "p50", "p90", "p99"}) {
		t.Errorf("latency keys %v", got)
	}
	if got := keys(m["ratios"].([]any)[0]); !slices.Equal(got, []string{"ceiling", "ceiling_ops_per_sec", "ceiling_runs", "met", "ratio", "scenario", "target"}) {
		t.Errorf("ratio keys %v", got)
	}
	if p50 := lat.(map[string]any)["p50"].(float64); p50 != 1 {
		t.Errorf("p50 = %v ms, want 1", p50)
	}
}
