package loadgen

import (
	"context"
	"fmt"
	"io"
	neturl "net/url"
	"runtime"
	"strconv"
	"time"
)

// RunSuite runs cfg's scenarios one after the other and returns their
// report. It refuses (before sending anything) a target whose host is not a
// loopback address. A scenario that cannot be set up (wrong password, no
// form …) gets a row saying why, and the next one runs; progress lines go to
// progress. Cancelling ctx stops the running scenario and skips the rest.
func RunSuite(ctx context.Context, cfg Config, progress io.Writer) (*Report, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	target, err := ParseTarget(cfg.Target)
	if err != nil {
		return nil, err
	}
	maxC := 1
	for _, name := range cfg.Scenarios {
		spec, _ := lookupScenario(name)
		if spec.http {
			if err := CheckLoopback(ctx, cfg.Resolver, target); err != nil {
				return nil, err
			}
		}
		maxC = max(maxC, cfg.concurrencyFor(name))
	}
	transport := NewTransport(maxC, cfg.Resolver)
	defer transport.CloseIdleConnections()
	e := &env{cfg: &cfg, target: target, rt: transport, runID: NewRunID()}

	rep := &Report{
		Tool:          "gatehouse-bench",
		SchemaVersion: SchemaVersion,
		Target:        target.String(),
		RunID:         e.runID,
		StartedAt:     time.Now().UTC().Truncate(time.Second),
		GoVersion:     runtime.Version(),
		NumCPU:        runtime.NumCPU(),
		Settings: Settings{
			DurationS: cfg.Duration.Seconds(), WarmupS: cfg.Warmup.Seconds(), MaxOps: cfg.MaxOps,
			Users: cfg.Users, Prefix: cfg.Prefix, Hasher: cfg.Hash.String(),
		},
		Scenarios: []ScenarioReport{},
	}
	for _, name := range cfg.Scenarios {
		if ctx.Err() != nil {
			break
		}
		row := runScenario(ctx, e, name, progress)
		rep.Scenarios = append(rep.Scenarios, row)
		transport.CloseIdleConnections()
	}
	rep.computeRatios()
	return rep, nil
}

// runScenario builds, runs and closes one scenario and returns its row.
func runScenario(ctx context.Context, e *env, name string, progress io.Writer) ScenarioReport {
	spec, _ := lookupScenario(name)
	opts := RunOptions{
		Concurrency: e.cfg.concurrencyFor(name),
		Duration:    e.cfg.Duration,
		MaxOps:      e.cfg.MaxOps,
		Warmup:      e.cfg.Warmup,
	}
	fmt.Fprintf(progress, "%s: %d workers for %s (warm-up %s, at most %d ops)\n",
		name, opts.Concurrency, opts.Duration, opts.Warmup, opts.MaxOps)
	failed := func(err error) ScenarioReport {
		fmt.Fprintf(progress, "%s: did not run: %v\n", name, err)
		return ScenarioReport{Name: name, Concurrency: opts.Concurrency, Stop: "failed", Failed: err.Error(),
			ErrorKinds: map[string]int64{}, ErrorSamples: []string{}}
	}
	w, err := spec.build(ctx, e)
	if err != nil {
		return failed(err)
	}
	defer w.Close()
	if u, ok := w.(interface{ URL() string }); ok {
		if err := probe(ctx, e, u.URL()); err != nil {
			return failed(err)
		}
	}
	opts.ServerPID = serverPID(e, spec, w)
	res, err := Run(ctx, w, opts)
	if err != nil {
		return failed(err)
	}
	row := newScenarioReport(name, res)
	if u, ok := w.(interface{ URL() string }); ok {
		row.URL = u.URL()
	}
	if name == "hash" {
		row.Hasher = e.cfg.Hash.String()
	}
	fmt.Fprintf(progress, "%s: %d ops in %.1fs, %.1f ops/s, %d errors\n", name, row.Ops, row.WallS, row.OpsPerSec, row.Errors)
	return row
}

// serverPID returns the process serving w's requests, for the CPU figures:
// the baseline's own server, or the process listening on the target's port;
// 0 for the scenarios that drive no other process, or when it is not found.
func serverPID(e *env, spec scenario, w Workload) int {
	if p, ok := w.(interface{ ServerPID() int }); ok {
		return p.ServerPID()
	}
	if !spec.http {
		return 0
	}
	port, err := strconv.Atoi(e.target.Port())
	if err != nil { // no port in the URL: the scheme's
		port = 80
		if e.target.Scheme == "https" {
			port = 443
		}
	}
	return listenerPID(port)
}

// probe GETs url once and fails only if no response came back at all, so
// that an unreachable target is reported once instead of as thousands of
// transport errors.
func probe(ctx context.Context, e *env, url string) error {
	u, err := neturl.Parse(url)
	if err != nil {
		return err
	}
	if _, err := e.browser().Get(ctx, u); err != nil {
		return fmt.Errorf("target unreachable: %w", err)
	}
	return nil
}
