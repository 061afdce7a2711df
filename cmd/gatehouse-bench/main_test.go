package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/loadgen"
)

// TestMain lets the test binary be the baseline scenario's server process,
// as main does.
func TestMain(m *testing.M) {
	loadgen.ServeBaselineIfChild()
	os.Exit(m.Run())
}

// noEnv is an empty environment.
func noEnv(string) string { return "" }

func TestHelp(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"-h"}, noEnv, &out, &errb); code != 0 {
		t.Fatalf("-h exit %d", code)
	}
	for _, want := range []string{"Usage:", "Scenarios", "-scenario", "-expect-text", "authed ≥ 50% of baseline"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("-h lacks %q", want)
		}
	}
}

func TestBadUsage(t *testing.T) {
	for _, args := range [][]string{
		{"-nope"},
		{"-scenario", "fly"},
		{"-scenario", "page", "-target", "http://10.0.0.1:8000"},
		{"-scenario", "login"}, // no -password
		{"stray"},
	} {
		var out, errb bytes.Buffer
		if code := run(context.Background(), args, noEnv, &out, &errb); code != 2 {
			t.Errorf("%q: exit %d, want 2 (stderr %s)", args, code, errb.String())
		}
		if out.Len() != 0 {
			t.Errorf("%q: printed a report", args)
		}
	}
}

func TestBaselineJSONAndOut(t *testing.T) {
	file := filepath.Join(t.TempDir(), "bench.json")
	var out, errb bytes.Buffer
	args := []string{"-scenario", "baseline", "-n", "30", "-c", "2", "-warmup", "0", "-duration", "5s", "-json", "-out", file}
	if code := run(context.Background(), args, noEnv, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var rep loadgen.Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("stdout is not a JSON report: %v\n%s", err, out.String())
	}
	if len(rep.Scenarios) != 1 || rep.Scenarios[0].OK != 30 || rep.Scenarios[0].Stop != loadgen.StopMaxOps {
		t.Fatalf("report = %+v", rep)
	}
	saved, err := os.ReadFile(file)
	if err != nil || !bytes.Equal(saved, out.Bytes()) {
		t.Fatalf("-out file differs from -json output (%v)", err)
	}
}

func TestTableAndHashFromEnv(t *testing.T) {
	env := map[string]string{
		loadgen.EnvHasher:           "pbkdf2_sha256",
		loadgen.EnvPBKDF2Iterations: "1000",
	}
	var out, errb bytes.Buffer
	args := []string{"-scenario", "baseline,hash", "-n", "20", "-c", "2", "-warmup", "0"}
	if code := run(context.Background(), args, func(k string) string { return env[k] }, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"baseline", "hash", "pbkdf2_sha256 iterations=1000", "p99"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
}
